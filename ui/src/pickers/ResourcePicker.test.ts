import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { connection } from "../test-fixtures";
import { driveFolder, driveTree, file, folder, PickerBackend } from "./test-backend";
import { activeId, chooseButton, crumbs, list, open, row, rowIds, rows, rowsAre, search } from "./test-picker";
import { itemCount } from "./wording";

afterEach(() => clearMocks());

describe("ResourcePicker: finding and choosing", () => {
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

  it("draws Drive's places as what they are (My Drive a drive, Starred a star, Recent a clock) and names each row", async () => {
    const place = (id: string, name: string) => ({ id, name, item: "place", detail: null, location: id, selectable: false });
    const backend = new PickerBackend({
      "": [
        place("root", "My Drive"),
        place("starred", "Starred"),
        place("recent", "Recent"),
        { ...folder("team", "Team Drive"), item: "drive", detail: "Shared drive" },
        place("elsewhere", "Elsewhere"),
      ],
    });
    open(backend);
    await rowsAre(["root", "starred", "recent", "team", "elsewhere"]);
    expect(
      rows().map((shown) => shown.querySelector("[data-icon]")?.getAttribute("data-icon")),
      "three places with one map pin read alike; a place with no picture of its own keeps the pin",
    ).toEqual(["drive", "star", "clock", "drive", "place"]);
    expect(rows().map((shown) => within(shown).getByTestId("picker-row-name").textContent)).toEqual([
      "My Drive",
      "Starred",
      "Recent",
      "Team Drive",
      "Elsewhere",
    ]);
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
