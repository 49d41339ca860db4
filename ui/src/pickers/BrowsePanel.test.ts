import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import IntegrationsPage from "../integrations/IntegrationsPage.svelte";
import { FlowTracker } from "../integrations/flows.svelte";
import { connection, flow, integrations } from "../test-fixtures";
import { driveFile, driveFolder, PickerBackend, spreadsheet } from "./test-backend";

afterEach(() => clearMocks());

function card(providerId: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-provider="${providerId}"]`);
  if (!found) throw new Error(`no card for ${providerId}`);
  return found;
}

function page(backend: PickerBackend, connections = [connection({ products: ["gmail", "drive"] })], flows = new FlowTracker()) {
  backend.other = (command, args) => {
    if (command === "list_integrations") return integrations(connections);
    if (command === "pending_revocations") return [];
    if (command === "resource_kinds") return args.provider === "google" ? [driveFile, driveFolder, spreadsheet] : [];
  };
  backend.install();
  return render(IntegrationsPage, { flows });
}

async function row(id: string): Promise<HTMLElement> {
  return waitFor(() => {
    const found = document.querySelector<HTMLElement>(`[data-testid="picker-row"][data-id="${id}"]`);
    if (!found) throw new Error(`no row ${id} yet`);
    return found;
  });
}

describe("Browse tab", () => {
  it("is offered only on integrations with an account", async () => {
    page(new PickerBackend());
    await screen.findByRole("heading", { name: "Google" });
    expect(within(card("google")).getByTestId("browse-tab-google").getAttribute("role")).toBe("tab");
    expect(within(card("github")).queryByTestId("browse-tab-github"), "nothing to browse without an account").toBeNull();
  });

  it("finds a file two folders deep by search and shows its name in the form (the end-to-end path)", async () => {
    const backend = new PickerBackend();
    page(backend);
    const tab = await screen.findByTestId("browse-tab-google");
    await fireEvent.click(tab);
    expect(tab.getAttribute("aria-selected")).toBe("true");
    expect(card("google").querySelector("[data-connection]")?.closest("[hidden]"), "the accounts are put away while browsing").not.toBeNull();
    expect(await screen.findByText(/finding things in your Google accounts and copying their IDs/)).toBeTruthy();
    expect(backend.sent("resource_kinds")).toEqual([{ provider: "google" }]);
    const labels = [...card("google").querySelectorAll("[data-field] .label")].map((label) => label.textContent);
    expect(labels, "one picker per kind, named as people say it").toEqual(["Drive file", "Drive folder", "Spreadsheet"]);
    expect(card("google").querySelector('button[type="submit"]'), "looking things up needs no submit").toBeNull();

    await fireEvent.click(screen.getByTestId("pick-drive.file"));
    await fireEvent.dblClick(await row("projects"));
    await fireEvent.keyDown(await row("2026"), { key: "ArrowDown" });
    await fireEvent.keyDown(screen.getByTestId("picker-search"), { key: "ArrowUp" });
    await fireEvent.keyDown(screen.getByTestId("picker-search"), { key: "Enter" });
    await row("roadmap");
    await fireEvent.input(screen.getByTestId("picker-search"), { target: { value: "road" } });
    await waitFor(() => expect(backend.lastRequest()).toMatchObject({ location: "2026", search: "road" }));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="picker-row"]')).toHaveLength(1));
    await fireEvent.click(await row("roadmap"));
    await fireEvent.click(screen.getByTestId("picker-choose"));

    expect(screen.getByTestId("picked-drive.file").textContent).toBe("Roadmap");
    expect(card("google").querySelector("[data-picked-id]")?.textContent, "the id is there to copy").toBe("roadmap");
  });

  it("keeps a sign-in's outcome with the accounts, not under the Browse fields", async () => {
    const flows = new FlowTracker();
    page(new PickerBackend(), undefined, flows);
    await fireEvent.click(await screen.findByTestId("browse-tab-google"));
    await screen.findByTestId("pick-drive.file");
    flows.received(flow({ state: "connected", connection: connection({ products: ["gmail", "drive"] }) }));
    const done = await screen.findByText("Done: ana@example.com is connected.");
    expect(done.closest("[hidden]"), "a note about the accounts does not show while browsing").not.toBeNull();
    await fireEvent.click(within(card("google")).getByRole("tab", { name: "Accounts" }));
    expect(done.closest("[hidden]"), "it shows with the accounts it is about").toBeNull();
    expect(done.closest('[role="tabpanel"]')?.id).toBe("provider-google-panel-accounts");
  });

  it("keeps what was chosen while the person looks at the accounts and comes back", async () => {
    const backend = new PickerBackend();
    page(backend);
    await fireEvent.click(await screen.findByTestId("browse-tab-google"));
    await fireEvent.click(await screen.findByTestId("pick-drive.file"));
    await fireEvent.click(await row("readme"));
    await fireEvent.click(screen.getByTestId("picker-choose"));
    await fireEvent.click(within(card("google")).getByRole("tab", { name: "Accounts" }));
    expect(within(card("google")).getByText("Connected as ana@example.com")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("browse-tab-google"));
    expect(screen.getByTestId("picked-drive.file").textContent).toBe("Read me");
    expect(backend.sent("resource_kinds"), "the kinds are read once").toHaveLength(1);
  });
});
