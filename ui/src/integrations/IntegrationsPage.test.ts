import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import IntegrationsPage from "./IntegrationsPage.svelte";
import { FlowTracker } from "./flows.svelte";
import { connection, flow, integrations, pendingRevocation } from "../test-fixtures";
import { formatSoon } from "../format";

afterEach(() => clearMocks());

function card(providerId: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-provider="${providerId}"]`);
  if (!found) throw new Error(`no card for ${providerId}`);
  return found;
}

describe("IntegrationsPage", () => {
  it("shows every provider with its products, and who each connected account is", async () => {
    mockIPC((command) => (command === "list_integrations" ? integrations([connection()]) : undefined));
    render(IntegrationsPage, { flows: new FlowTracker() });
    expect(await screen.findByRole("heading", { name: "Google" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "GitHub" })).toBeTruthy();

    const google = within(card("google"));
    expect(google.getByText("Connected as ana@example.com")).toBeTruthy();
    expect(google.getByText("Active")).toBeTruthy();
    expect(google.getByRole("list", { name: "Products on this account" }).textContent).toContain("Drive");
    expect(card("google").textContent).toContain("Gmail");
    expect(google.getByRole("button", { name: "Add another account" }).dataset.action).toBe("connect");

    const github = within(card("github"));
    expect(github.getByRole("button", { name: "Connect" }).dataset.action).toBe("connect");
    expect(github.getByRole("button", { name: "Use a code instead" })).toBeTruthy();
    expect(github.getByRole("button", { name: "Use a key or token instead" })).toBeTruthy();
  });

  it("marks session-only accounts and says why an account needs signing in again", async () => {
    const stale = connection({
      sessionOnly: true,
      status: { state: "needsReauthorization", reason: "Google no longer accepts this sign-in." },
    });
    mockIPC((command) => (command === "list_integrations" ? integrations([stale]) : undefined));
    render(IntegrationsPage, { flows: new FlowTracker() });
    expect(await screen.findByText("Google no longer accepts this sign-in.")).toBeTruthy();
    const row = card("google").querySelector<HTMLElement>("[data-connection]");
    expect(row?.dataset.connectionStatus).toBe("needsReauthorization");
    expect(within(row!).getByText("Session only")).toBeTruthy();
    expect(within(row!).getByRole("button", { name: "Sign in again" }).dataset.action).toBe("reauthorize-connection");
  });

  it("reloads when the backend says connections changed, and when a flow connects", async () => {
    let listed = integrations();
    let loads = 0;
    mockIPC((command) => {
      if (command === "list_integrations") {
        loads += 1;
        return listed;
      }
    });
    const flows = new FlowTracker();
    render(IntegrationsPage, { flows });
    await screen.findByRole("heading", { name: "Google" });
    expect(loads).toBe(1);

    listed = integrations([connection()]);
    flows.handle({ name: "connections://changed" });
    expect(await screen.findByText("Connected as ana@example.com")).toBeTruthy();
    expect(loads).toBe(2);

    flows.received(flow({ state: "connected", connection: connection({ id: 2, accountLabel: "bo@example.com" }) }));
    await waitFor(() => expect(loads).toBe(3));
    expect(await screen.findByText("Done: bo@example.com is connected.")).toBeTruthy();
  });

  it("renders markup in provider data as text, never as HTML", async () => {
    const [google] = integrations();
    const hostile = { ...google, provider: { ...google.provider, id: "evil", name: "<img src=x onerror=alert(1)>Evil" } };
    mockIPC((command) => (command === "list_integrations" ? [hostile] : []));
    const { container } = render(IntegrationsPage, { flows: new FlowTracker() });
    expect(await screen.findByRole("heading", { name: "<img src=x onerror=alert(1)>Evil" })).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
  });

  it("says what failed and retries on request", async () => {
    let attempts = 0;
    mockIPC((command) => {
      if (command !== "list_integrations") return [];
      attempts += 1;
      if (attempts === 1) throw { code: "Internal", message: "The catalogue could not be read." };
      return integrations();
    });
    render(IntegrationsPage, { flows: new FlowTracker() });
    expect(await screen.findByText("The catalogue could not be read.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("heading", { name: "Google" })).toBeTruthy();
  });

  it("lists revocations that failed and when Switchboard tries again, and reloads them on changes", async () => {
    let pending = [pendingRevocation()];
    mockIPC((command) => {
      if (command === "list_integrations") return integrations();
      if (command === "pending_revocations") return pending;
    });
    const flows = new FlowTracker();
    render(IntegrationsPage, { flows });
    const notice = await screen.findByTestId("pending-revocations");
    expect(notice.textContent).toContain(
      `Revoking access for ana@example.com at Google failed; Switchboard will try again at ${formatSoon(1_795_004_100)}.`,
    );
    expect(within(notice).getByText("Google did not answer.")).toBeTruthy();

    pending = [];
    flows.handle({ name: "connections://changed" });
    await waitFor(() => expect(screen.queryByTestId("pending-revocations")).toBeNull());
  });

  it("stays quiet when nothing waits, and says so when the list cannot be read", async () => {
    mockIPC((command) => {
      if (command === "list_integrations") return integrations();
      if (command === "pending_revocations") throw { code: "Storage", message: "The database is locked." };
    });
    render(IntegrationsPage, { flows: new FlowTracker() });
    expect(await screen.findByText("Could not check for revocations to retry: The database is locked.")).toBeTruthy();
    expect(screen.queryByTestId("pending-revocations")).toBeNull();
  });
});
