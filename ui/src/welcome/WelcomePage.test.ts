import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import WelcomePage from "./WelcomePage.svelte";
import { nameList, othersSentence } from "./welcomeSummary";
import { FlowTracker } from "../integrations/flows.svelte";
import { builtInIntegrations, connection, flow, integration, integrations, provider } from "../test-fixtures";
import type { Integration } from "../bindings/Integration";

type Call = [string, unknown];
let calls: Call[];
let listed: Integration[];

beforeEach(() => {
  calls = [];
  listed = builtInIntegrations();
});
afterEach(() => clearMocks());

/** Answers the integrations with `listed`, records every command; `reply` answers the others. */
function backend(reply: (command: string, args: Record<string, unknown>) => unknown = () => undefined) {
  mockIPC((command, args) => {
    calls.push([command, args]);
    if (command === "list_integrations") return listed;
    return reply(command, (args ?? {}) as Record<string, unknown>);
  });
}

function renderWelcome() {
  const flows = new FlowTracker();
  const onDone = vi.fn();
  const onOpenIntegrations = vi.fn();
  const onSetUp = vi.fn();
  render(WelcomePage, { flows, onDone, onOpenIntegrations, onSetUp });
  return { flows, onDone, onOpenIntegrations, onSetUp };
}

function oneClick(): HTMLElement {
  const found = document.querySelector<HTMLElement>("[data-welcome=one-click]");
  if (!found) throw new Error("no one-click section");
  return found;
}

function row(providerId: string): HTMLElement {
  const found = oneClick().querySelector<HTMLElement>(`[data-provider="${providerId}"]`);
  if (!found) throw new Error(`no welcome row for ${providerId}`);
  return found;
}

describe("WelcomePage", () => {
  it("lists the providers that connect in one click, and sums up the rest from the data", async () => {
    backend();
    renderWelcome();
    expect(await screen.findByRole("heading", { name: "Welcome to Switchboard" })).toBeTruthy();
    await waitFor(() => expect(oneClick()).toBeTruthy());
    const shown = [...oneClick().querySelectorAll<HTMLElement>("[data-provider]")].map((element) => element.dataset.provider);
    expect(shown).toEqual(["google", "github"]);
    expect(within(row("google")).getByRole("button", { name: "Connect Google" }).dataset.action).toBe("connect");
    expect(document.querySelector("[data-welcome=others]")?.textContent).toBe(
      "Supabase and Atlassian connect with a key or token on the Integrations page.",
    );
    expect(screen.getByRole("button", { name: "Skip for now" })).toBeTruthy();
  });

  it("starts the same sign-in as the Integrations page and shows where it is", async () => {
    backend((command) => (command === "start_connect" ? flow({ state: "waitingForBrowser", authorizeUrl: "https://accounts.google.com/o" }) : undefined));
    const { flows } = renderWelcome();
    await waitFor(() => row("google"));
    await fireEvent.click(within(row("google")).getByRole("button", { name: "Connect Google" }));
    expect(await within(row("google")).findByText("Waiting for you in your browser…")).toBeTruthy();
    expect(calls.find(([command]) => command === "start_connect")).toEqual([
      "start_connect",
      { request: { provider: "google", products: ["gmail", "drive"], method: "browser", redirect: null, connection: null, scopes: [] } },
    ]);

    flows.received(flow({ state: "failed", code: "ProviderRejected", message: "Google said no." }));
    expect(await within(row("google")).findByText("Google said no.")).toBeTruthy();
    expect(within(row("google")).getByRole("button", { name: "Try again" })).toBeTruthy();
  });

  it("connects GitHub's built-in app with a code", async () => {
    backend();
    renderWelcome();
    await waitFor(() => row("github"));
    await fireEvent.click(within(row("github")).getByRole("button", { name: "Connect GitHub" }));
    await waitFor(() => expect(calls.some(([command]) => command === "start_connect")).toBe(true));
    const [, args] = calls.find(([command]) => command === "start_connect")!;
    expect((args as { request: { method: string } }).request.method).toBe("device_code");
  });

  it("says why a sign-in could not start, and offers a session-only key when the keyring cannot be used", async () => {
    let sessionOnly = false;
    backend((command) => {
      if (command === "use_session_only_key") sessionOnly = true;
      if (command === "start_connect" && !sessionOnly) throw { code: "KeyringUnavailable", message: "The keyring is locked." };
      if (command === "start_connect") return flow({ state: "waitingForBrowser", authorizeUrl: "https://accounts.google.com/o" });
    });
    renderWelcome();
    await waitFor(() => row("google"));
    await fireEvent.click(within(row("google")).getByRole("button", { name: "Connect Google" }));
    expect(await within(row("google")).findByText("The keyring is locked.")).toBeTruthy();
    await fireEvent.click(within(row("google")).getByRole("button", { name: "Continue for this session only" }));
    expect(await within(row("google")).findByText("Waiting for you in your browser…")).toBeTruthy();
    expect(calls.map(([command]) => command).filter((command) => command !== "list_integrations")).toEqual([
      "start_connect",
      "use_session_only_key",
      "start_connect",
    ]);
  });

  it("says so plainly when nothing connects in one click, and leads to Integrations", async () => {
    listed = integrations().map((shown) => ({ ...shown, clientReady: shown.provider.id === "supabase", clientFrom: null, browserReady: false }));
    backend();
    const { onOpenIntegrations } = renderWelcome();
    expect(await screen.findByText(/Nothing connects in one click in this build/)).toBeTruthy();
    expect(oneClick().querySelector("[data-action=connect]")).toBeNull();
    expect(document.querySelector("[data-welcome=others]")?.textContent).toBe(
      "GitHub and Supabase connect with a key or token, and Google with an app of your own, on the Integrations page.",
    );
    const open = screen.getByRole("button", { name: "Open Integrations" });
    expect(open.classList.contains("primary")).toBe(true);
    await fireEvent.click(open);
    expect(onOpenIntegrations).toHaveBeenCalled();
  });

  it("says what was connected here and offers to start chatting", async () => {
    backend();
    const { flows, onDone } = renderWelcome();
    await waitFor(() => row("google"));
    expect(document.querySelector("[data-welcome=connected]")).toBeNull();

    listed = builtInIntegrations([connection()]);
    flows.connectionsChanged();
    const connected = await waitFor(() => {
      const found = document.querySelector<HTMLElement>("[data-welcome=connected]");
      if (!found) throw new Error("not connected yet");
      return found;
    });
    expect(connected.textContent).toContain("ana@example.com");
    expect(within(row("google")).getByText("Connected as ana@example.com")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Skip for now" })).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Start chatting" }));
    expect(onDone).toHaveBeenCalled();
  });

  it("skips to the chat", async () => {
    backend();
    const { onDone } = renderWelcome();
    await fireEvent.click(await screen.findByRole("button", { name: "Skip for now" }));
    expect(onDone).toHaveBeenCalled();
  });
});

describe("the welcome's summary of the rest", () => {
  it("names providers as a list and says nothing when there are none", () => {
    expect(nameList([])).toBe("");
    expect(nameList(["Slack"])).toBe("Slack");
    expect(nameList(["Slack", "Notion", "Atlassian"])).toBe("Slack, Notion and Atlassian");
    expect(othersSentence([])).toBeNull();
  });

  it("speaks of one provider in the singular", () => {
    const google = integration(provider("google"), [], { clientReady: false, clientFrom: null, browserReady: false });
    expect(othersSentence([google])).toBe("Google connects with an app of your own, from the Integrations page.");
  });
});
