import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import ResourcePicker from "./ResourcePicker.svelte";
import { FlowTracker } from "../integrations/flows.svelte";
import { connection, flow } from "../test-fixtures";
import { formatClock } from "../format";
import { itemCount } from "./wording";
import { driveFile, driveFolder, driveTree, file, folder, PickerBackend } from "./test-backend";
import type { Connection } from "../bindings/Connection";
import type { Resource } from "../bindings/Resource";
import type { ResourceKind } from "../bindings/ResourceKind";

afterEach(() => clearMocks());

type Options = { connections?: Connection[]; kind?: ResourceKind; filter?: string | null; multiple?: boolean; flows?: FlowTracker };

function open(backend: PickerBackend, options: Options = {}) {
  backend.install();
  const onpick = vi.fn<(resources: Resource[], connection: number) => void>();
  const oncancel = vi.fn();
  const view = render(ResourcePicker, {
    connections: options.connections ?? [connection({ products: ["drive"] })],
    kind: options.kind ?? driveFile,
    filter: options.filter ?? null,
    multiple: options.multiple ?? false,
    flows: options.flows ?? new FlowTracker(),
    onpick,
    oncancel,
  });
  return { ...view, onpick, oncancel };
}

function rows(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('[data-testid="picker-row"]')];
}

function rowIds(): string[] {
  return rows().map((row) => row.dataset.id ?? "");
}

function row(id: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-testid="picker-row"][data-id="${id}"]`);
  if (!found) throw new Error(`no row ${id}; rows are ${rowIds().join(", ")}`);
  return found;
}

function list(): HTMLElement {
  return screen.getByTestId("picker-list");
}

function search(): HTMLInputElement {
  return screen.getByTestId("picker-search") as HTMLInputElement;
}

function crumbs(): string[] {
  return screen.getAllByTestId("picker-crumb").map((crumb) => crumb.textContent ?? "");
}

function chooseButton(): HTMLButtonElement {
  return screen.getByTestId("picker-choose") as HTMLButtonElement;
}

/** The row the list says is active (its aria-activedescendant). */
function activeId(): string | undefined {
  const id = list().getAttribute("aria-activedescendant");
  return id ? document.getElementById(id)?.dataset.id : undefined;
}

async function rowsAre(ids: string[]) {
  await waitFor(() => expect(rowIds(), "the list should show this place's items").toEqual(ids));
}

describe("ResourcePicker dialog", () => {
  it("is a labelled modal that starts in the search box and lists the top of the kind's hierarchy", async () => {
    const backend = new PickerBackend();
    open(backend);
    const dialog = screen.getByRole("dialog", { name: "Choose a Drive file" });
    expect(dialog.getAttribute("aria-modal"), "the rest of the window is inert while the picker is open").toBe("true");
    expect(document.activeElement, "typing should search straight away").toBe(search());
    await rowsAre(["projects", "archive", "readme"]);
    expect(backend.requests()).toEqual([
      { connection: 1, kind: "drive.file", location: null, search: null, filter: "any", refresh: false },
    ]);
    expect(crumbs()).toEqual(["Drive"]);
    expect(within(dialog).getByText(itemCount(3))).toBeTruthy();
  });

  it("renders names, details and crumbs with markup as text, creating no elements", async () => {
    const hostile = "<img src=x onerror=alert(1)>";
    const bold = "<b>bold</b>";
    const backend = new PickerBackend({
      "": [folder("evil", hostile), file("b", bold, { detail: hostile })],
      evil: [file("inside", bold)],
    });
    const { container } = open(backend, { connections: [connection({ accountLabel: bold })] });
    await rowsAre(["evil", "b"]);
    expect(row("evil").textContent, "a name is shown exactly as the provider sent it").toContain(hostile);
    expect(row("b").textContent).toContain(bold);
    await fireEvent.dblClick(row("evil"));
    await rowsAre(["inside"]);
    expect(crumbs(), "the breadcrumb shows the folder's name as text").toEqual(["Drive", hostile]);
    expect(screen.getByText(bold, { selector: ".account-name" })).toBeTruthy();
    expect(container.ownerDocument.querySelector("img"), "no <img> may come from provider text").toBeNull();
    expect(container.ownerDocument.querySelector("b"), "no <b> may come from provider text").toBeNull();
  });

  it("moves with the arrows, opens folders with Enter, goes up with Backspace and chooses a file with Enter", async () => {
    const backend = new PickerBackend();
    const { onpick } = open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    expect(activeId(), "the first row is active once the list arrives").toBe("projects");
    await fireEvent.keyDown(search(), { key: "ArrowDown" });
    expect(activeId()).toBe("archive");
    expect(search().getAttribute("aria-activedescendant"), "screen readers follow the active row from the search box").toBe(
      list().getAttribute("aria-activedescendant"),
    );
    await fireEvent.keyDown(search(), { key: "ArrowUp" });
    expect(activeId()).toBe("projects");

    await fireEvent.keyDown(search(), { key: "Enter" });
    await rowsAre(["2026", "plan"]);
    expect(backend.lastRequest().location, "Enter on a folder lists its location").toBe("projects");
    await fireEvent.keyDown(list(), { key: "Enter" });
    await rowsAre(["budget", "report", "roadmap"]);
    expect(backend.lastRequest().location).toBe("2026");
    expect(crumbs()).toEqual(["Drive", "Projects", "2026"]);

    await fireEvent.keyDown(search(), { key: "Backspace" });
    await rowsAre(["2026", "plan"]);
    expect(backend.lastRequest().location, "Backspace in an empty search box goes up one level").toBe("projects");
    expect(crumbs()).toEqual(["Drive", "Projects"]);

    await fireEvent.keyDown(list(), { key: "ArrowDown" });
    await fireEvent.keyDown(list(), { key: "Enter" });
    expect(onpick, "Enter on a selectable item chooses it").toHaveBeenCalledWith([file("plan", "Plan")], 1);
  });

  it("keeps Backspace for editing while the search box has text", async () => {
    const backend = new PickerBackend();
    open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.dblClick(row("projects"));
    await rowsAre(["2026", "plan"]);
    await fireEvent.input(search(), { target: { value: "pl" } });
    const event = new KeyboardEvent("keydown", { key: "Backspace", bubbles: true, cancelable: true });
    search().dispatchEvent(event);
    expect(event.defaultPrevented, "Backspace deletes a letter, it does not go up").toBe(false);
    expect(crumbs()).toEqual(["Drive", "Projects"]);
  });

  it("opens a folder on double-click and chooses a file on double-click", async () => {
    const backend = new PickerBackend();
    const { onpick } = open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.dblClick(row("projects"));
    await rowsAre(["2026", "plan"]);
    await fireEvent.dblClick(row("plan"));
    expect(onpick).toHaveBeenCalledWith([file("plan", "Plan")], 1);
  });

  it("chooses what may be opened with Enter, and opens it with ArrowRight or its arrow", async () => {
    const selectableFolders = {
      "": [{ ...folder("projects", "Projects"), selectable: true }],
      projects: [{ ...folder("2026"), selectable: true }],
      "2026": [],
    };
    const backend = new PickerBackend(selectableFolders);
    const { onpick } = open(backend, { kind: driveFolder });
    await rowsAre(["projects"]);
    await fireEvent.keyDown(list(), { key: "ArrowRight" });
    await rowsAre(["2026"]);
    await fireEvent.click(row("2026").querySelector("[data-open]")!);
    await waitFor(() => expect(crumbs()).toEqual(["Drive", "Projects", "2026"]));
    expect(screen.getByText("Nothing here")).toBeTruthy();
    await fireEvent.keyDown(list(), { key: "Backspace" });
    await rowsAre(["2026"]);
    await fireEvent.keyDown(search(), { key: "Enter" });
    expect(onpick, "Enter chooses a folder the picker asks for").toHaveBeenCalledWith([selectableFolders.projects[0]], 1);
  });

  it("goes back to a place from the breadcrumb", async () => {
    const backend = new PickerBackend();
    open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.dblClick(row("projects"));
    await rowsAre(["2026", "plan"]);
    await fireEvent.dblClick(row("2026"));
    await rowsAre(["budget", "report", "roadmap"]);
    await fireEvent.click(screen.getAllByTestId("picker-crumb")[0]);
    await rowsAre(["projects", "archive", "readme"]);
    expect(crumbs(), "the crumbs after the one clicked are gone").toEqual(["Drive"]);
    expect(backend.lastRequest().location, "the top is listed again").toBeNull();
  });

  it("searches after typing pauses, cancelling the listing it replaces", async () => {
    const backend = new PickerBackend();
    backend.hold = true;
    open(backend);
    await waitFor(() => expect(backend.listed).toHaveLength(1));
    const first = backend.listed[0];
    backend.sendPages(driveTree()[""].slice(0, 2), first);
    await rowsAre(["projects", "archive"]);

    await fireEvent.input(search(), { target: { value: "r" } });
    await fireEvent.input(search(), { target: { value: "re" } });
    await fireEvent.input(search(), { target: { value: "rea" } });
    expect(backend.listed, "nothing is listed while the person is still typing").toHaveLength(1);
    await waitFor(() => expect(backend.listed).toHaveLength(2));
    expect(backend.sent("cancel_listing"), "the listing being replaced is stopped").toEqual([{ listing: first.listing }]);
    expect(backend.lastRequest()).toMatchObject({ search: "rea", location: null });
    expect(backend.listed[1].listing, "each listing has its own id").not.toBe(first.listing);

    backend.sendPages([file("readme", "Read me")]);
    backend.sendPages([folder("late")], first);
    await rowsAre(["readme"]);
    backend.finish(1);
    await waitFor(() => expect(screen.getByText(itemCount(1))).toBeTruthy());
    expect(rowIds(), "pages of the cancelled listing are dropped").toEqual(["readme"]);
  });

  it("says when a search finds nothing", async () => {
    const backend = new PickerBackend();
    open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.input(search(), { target: { value: "zzz" } });
    expect(await screen.findByText("No matches for “zzz”")).toBeTruthy();
  });

  it("shows skeletons until the first page, then the rows as pages arrive", async () => {
    const backend = new PickerBackend();
    backend.hold = true;
    const { container } = open(backend);
    await waitFor(() => expect(backend.listed).toHaveLength(1));
    expect(container.ownerDocument.querySelector(".skeletons"), "placeholders show while the first page is awaited").not.toBeNull();
    backend.sendPages([folder("projects")]);
    await rowsAre(["projects"]);
    expect(container.ownerDocument.querySelector(".skeletons")).toBeNull();
    expect(screen.getByText(/loading more/)).toBeTruthy();
    backend.finish(1);
    await waitFor(() => expect(screen.queryByText(/loading more/)).toBeNull());
  });

  it("shows what failed with Retry, which lists again", async () => {
    const backend = new PickerBackend();
    backend.failure = { code: "Network", message: "Google did not answer." };
    open(backend);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Google did not answer.");
    expect(within(alert).queryByRole("button", { name: "Allow access" }), "only missing access offers to allow it").toBeNull();
    backend.failure = null;
    await fireEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    await rowsAre(["projects", "archive", "readme"]);
    expect(backend.listed, "Retry asks again").toHaveLength(2);
  });

  it("offers to allow access when the account lacks it, and lists again once the sign-in lands", async () => {
    const backend = new PickerBackend();
    backend.failure = { code: "NeedsConsent", message: "This account has not allowed Switchboard to read Drive." };
    const waiting = flow({ state: "waitingForBrowser", authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth?state=s" });
    backend.other = (command) => (command === "start_connect" ? waiting : undefined);
    const flows = new FlowTracker();
    open(backend, { flows, connections: [connection({ products: ["gmail"] })] });
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.pickerFailure).toBe("NeedsConsent");
    await fireEvent.click(within(alert).getByRole("button", { name: "Allow access" }));
    await waitFor(() => expect(backend.sent("start_connect")).toHaveLength(1));
    expect(backend.sent("start_connect")[0], "the same connection signs in again, asking for what browsing needs").toEqual({
      request: { provider: "google", products: ["gmail", "drive"], method: "browser", redirect: null, connection: 1 },
    });
    expect(await screen.findByText(/Finish in your browser/)).toBeTruthy();

    backend.failure = null;
    flows.received(flow({ state: "connected", connection: connection({ products: ["gmail", "drive"] }) }));
    await rowsAre(["projects", "archive", "readme"]);
    expect(backend.lastRequest().refresh, "after access is allowed the provider is asked, not the cache").toBe(true);
  });

  it("chooses several with checkboxes, Space and 'Choose 2'", async () => {
    const backend = new PickerBackend();
    const { onpick } = open(backend, { multiple: true });
    await rowsAre(["projects", "archive", "readme"]);
    expect(list().getAttribute("aria-multiselectable")).toBe("true");
    expect(chooseButton().disabled, "nothing chosen yet").toBe(true);
    await fireEvent.click(row("projects"));
    expect(chooseButton().disabled, "a folder on the way is not what the picker asks for").toBe(true);
    await fireEvent.dblClick(row("projects"));
    await rowsAre(["2026", "plan"]);
    await fireEvent.dblClick(row("2026"));
    await rowsAre(["budget", "report", "roadmap"]);
    await fireEvent.click(row("budget"));
    await fireEvent.keyDown(list(), { key: "ArrowDown" });
    await fireEvent.keyDown(list(), { key: "ArrowDown" });
    await fireEvent.keyDown(list(), { key: " " });
    expect(row("roadmap").getAttribute("aria-selected")).toBe("true");
    expect(row("report").getAttribute("aria-selected")).toBe("false");
    expect(chooseButton().textContent?.trim()).toBe("Choose 2");
    await fireEvent.click(row("budget"));
    await fireEvent.click(row("budget"));
    await fireEvent.click(chooseButton());
    const [picked] = onpick.mock.calls[0];
    expect(picked.map((resource) => resource.id), "every checked item is returned").toEqual(["roadmap", "budget"]);
  });

  it("offers the account chip only with several accounts, and lists the other from the top", async () => {
    const single = new PickerBackend();
    const { unmount } = open(single);
    await rowsAre(["projects", "archive", "readme"]);
    expect(screen.queryByTestId("picker-account"), "one account needs no chooser").toBeNull();
    unmount();

    const backend = new PickerBackend();
    const work = connection({ id: 2, accountLabel: "ana@work.example", label: "work", products: ["drive"] });
    open(backend, { connections: [connection({ products: ["drive"] }), work] });
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.dblClick(row("projects"));
    await rowsAre(["2026", "plan"]);
    const chip = screen.getByTestId("picker-account") as HTMLSelectElement;
    expect([...chip.options].map((option) => option.textContent)).toEqual(["ana@example.com", "work (ana@work.example)"]);
    await fireEvent.change(chip, { target: { value: "2" } });
    await rowsAre(["projects", "archive", "readme"]);
    expect(backend.lastRequest(), "another account starts at its top").toMatchObject({ connection: 2, location: null });
    expect(crumbs()).toEqual(["Drive"]);
  });

  it("notes a partial list and a cached one, and refreshes past the cache", async () => {
    const backend = new PickerBackend();
    const note = "The provider repeated a page; this list may be incomplete.";
    backend.summary = { partial: true, note, cachedAt: 1_795_000_000 };
    open(backend);
    expect(await screen.findByText(note)).toBeTruthy();
    expect(screen.getByText(`as of ${formatClock(1_795_000_000)}`, { exact: false })).toBeTruthy();
    backend.summary = {};
    await fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => expect(backend.lastRequest().refresh, "Refresh skips the cache").toBe(true));
    await waitFor(() => expect(screen.queryByText(note)).toBeNull());
  });

  it("offers the kind's filters unless the form fixed one", async () => {
    const backend = new PickerBackend();
    const { unmount } = open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.change(screen.getByTestId("picker-filter"), { target: { value: "spreadsheet" } });
    await waitFor(() => expect(backend.lastRequest().filter).toBe("spreadsheet"));
    unmount();

    const fixed = new PickerBackend();
    open(fixed, { filter: "pdf" });
    await rowsAre(["projects", "archive", "readme"]);
    expect(screen.queryByTestId("picker-filter"), "a fixed filter is not the person's to change").toBeNull();
    expect(fixed.lastRequest().filter).toBe("pdf");
  });

  it("streams a 10,000-item folder in pages, drawing only a window and keeping the active row in view", async () => {
    const many = Array.from({ length: 10_000 }, (_, index) => file(`f${index}`, `File ${index}`));
    const backend = new PickerBackend({ "": many });
    backend.hold = true;
    open(backend);
    await waitFor(() => expect(backend.listed).toHaveLength(1));
    const delivered = backend.sendPages(many.slice(0, 1_000));
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(rows().length, "only the rows in view (and a few more) exist").toBeLessThan(40);

    list().scrollTop = 900 * 44;
    await fireEvent.scroll(list());
    backend.sendPages(many.slice(1_000), undefined, delivered);
    backend.finish(10_000);
    await waitFor(() => expect(screen.getByText(itemCount(10_000))).toBeTruthy());
    expect(rowIds(), "the rows under the scroll position stay drawn as later pages arrive").toContain("f905");
    expect(rows().length).toBeLessThan(40);

    await fireEvent.keyDown(list(), { key: "End" });
    expect(activeId(), "End moves to the last item, which is drawn").toBe("f9999");
    expect(list().scrollTop, "the list scrolls the active row into view").toBeGreaterThan(9_990 * 44);
    await fireEvent.keyDown(list(), { key: "Home" });
    expect(activeId()).toBe("f0");
    expect(list().scrollTop).toBe(0);
  });

  it("keeps Tab inside the dialog, and leaves arrow keys to the filter chooser", async () => {
    const backend = new PickerBackend();
    open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    const choose = chooseButton();
    expect(choose.disabled).toBe(true);
    const cancelButton = screen.getByRole("button", { name: "Cancel" });
    cancelButton.focus();
    await fireEvent.keyDown(cancelButton, { key: "Tab" });
    expect(document.activeElement, "Tab from the last control wraps to the first").toBe(screen.getAllByTestId("picker-crumb")[0]);
    await fireEvent.keyDown(document.activeElement!, { key: "Tab", shiftKey: true });
    expect(document.activeElement, "Shift+Tab from the first control wraps to the last").toBe(cancelButton);

    const filter = screen.getByTestId("picker-filter");
    const arrow = new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true, cancelable: true });
    filter.dispatchEvent(arrow);
    expect(arrow.defaultPrevented, "the select changes its own value with the arrows").toBe(false);
    expect(activeId()).toBe("projects");
  });

  it("lets go of a single choice when moving elsewhere, so Choose never picks something out of view", async () => {
    const backend = new PickerBackend();
    open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.click(row("readme"));
    expect(chooseButton().disabled).toBe(false);
    await fireEvent.dblClick(row("projects"));
    await rowsAre(["2026", "plan"]);
    expect(chooseButton().disabled, "the file chosen above is not in this folder").toBe(true);
  });

  it("cancels with Escape, stopping the listing still running", async () => {
    const backend = new PickerBackend();
    backend.hold = true;
    const { oncancel } = open(backend);
    await waitFor(() => expect(backend.listed).toHaveLength(1));
    await fireEvent.keyDown(search(), { key: "Escape" });
    expect(oncancel).toHaveBeenCalled();
    expect(backend.sent("cancel_listing")).toEqual([{ listing: backend.listed[0].listing }]);
  });
});
