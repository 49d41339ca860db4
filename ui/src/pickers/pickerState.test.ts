import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { defaultConnection, isContainer, PickerState } from "./pickerState.svelte";
import { pickerKey } from "./pickerKeys";
import { itemCount, kindNoun, pickerTitle } from "./wording";
import { accessRequest } from "./accessRequest.svelte";
import { connection } from "../test-fixtures";
import { driveFile, file, folder, PickerBackend, spreadsheet } from "./test-backend";

afterEach(() => clearMocks());

describe("PickerState", () => {
  it("starts with an enabled account that has the kind's products", () => {
    const mail = connection({ id: 1, products: ["gmail"] });
    const off = connection({ id: 2, products: ["drive"], enabled: false });
    const drive = connection({ id: 3, products: ["gmail", "drive"] });
    expect(defaultConnection([mail, off, drive], driveFile)?.id, "the account that can browse Drive").toBe(3);
    expect(defaultConnection([mail, off], driveFile)?.id, "else the first enabled one, which may be asked for access").toBe(1);
    expect(defaultConnection([], driveFile)).toBeNull();
  });

  it("opens already searched for the words it was given (the chat's named resource)", async () => {
    const backend = new PickerBackend().install();
    const picker = new PickerState({ connections: [connection()], kind: driveFile, initialSearch: " q3 numbers " });
    expect(picker.search, "the search box shows the words").toBe("q3 numbers");
    picker.load();
    await waitFor(() => expect(backend.listed).toHaveLength(1));
    expect(backend.lastRequest().search, "the first listing is already the search").toBe("q3 numbers");
  });

  it("keeps waiting for pages when the summary reaches the window before them", async () => {
    const backend = new PickerBackend().install();
    backend.hold = true;
    const picker = new PickerState({ connections: [connection()], kind: driveFile });
    picker.load();
    await waitFor(() => expect(backend.listed).toHaveLength(1));
    backend.finish(2);
    await waitFor(() => expect(picker.running).toBe(false));
    expect(picker.waiting, "the summary says two items are on their way").toBe(true);
    expect(picker.empty).toBe(false);
    backend.sendPages([file("a"), file("b")]);
    expect(picker.items.map((item) => item.id)).toEqual(["a", "b"]);
    expect(picker.waiting).toBe(false);
  });

  it("lets a single choice follow the keyboard, as a file dialog does, but not several", async () => {
    const backend = new PickerBackend().install();
    backend.hold = true;
    const single = new PickerState({ connections: [connection()], kind: driveFile });
    single.load();
    await waitFor(() => expect(backend.listed).toHaveLength(1));
    backend.sendPages([folder("projects"), file("a"), file("b")]);
    single.moveActive(1);
    expect(single.selected.map((item) => item.id), "arrowing onto a file chooses it, so Choose is ready").toEqual(["a"]);
    single.moveActive(-1);
    expect(single.selected, "arrowing onto a folder lets go: a folder is not the answer").toEqual([]);
    single.jumpTo(2);
    expect(single.selected.map((item) => item.id), "End lands on the last file and chooses it").toEqual(["b"]);

    const several = new PickerState({ connections: [connection()], kind: driveFile, multiple: true });
    several.load();
    await waitFor(() => expect(backend.listed).toHaveLength(2));
    backend.sendPages([file("a"), file("b")]);
    several.moveActive(1);
    expect(several.selected, "with several, only Space or a click checks a row").toEqual([]);
  });

  it("says it has no account to list instead of asking the backend", () => {
    const backend = new PickerBackend().install();
    const picker = new PickerState({ connections: [], kind: driveFile });
    picker.load();
    expect(picker.failure?.code).toBe("NeedsAuth");
    expect(backend.listed, "nothing to list without an account").toHaveLength(0);
  });

  it("chooses one at a time, or gathers several, and never a folder on the way", () => {
    new PickerBackend().install();
    const single = new PickerState({ connections: [connection()], kind: driveFile });
    single.toggle(folder("projects"));
    expect(single.selected, "folders on the way to a file are not chosen").toEqual([]);
    single.toggle(file("a"));
    single.toggle(file("b"));
    expect(single.selected.map((item) => item.id)).toEqual(["b"]);

    const several = new PickerState({ connections: [connection()], kind: driveFile, multiple: true });
    several.toggle(file("a"));
    several.toggle(file("b"));
    expect(several.choiceWith(file("c")).map((item) => item.id), "Enter adds the active row to what is checked").toEqual(["a", "b", "c"]);
    several.toggle(file("a"));
    expect(several.selected.map((item) => item.id)).toEqual(["b"]);
  });

  it("treats a place that can itself be chosen as an answer first, a container otherwise", () => {
    expect(isContainer(folder("projects"))).toBe(true);
    expect(isContainer({ ...folder("projects"), selectable: true })).toBe(false);
    expect(isContainer(file("a"))).toBe(false);
  });

  it("lets Enter in the search box run a search typed before the pause, instead of acting on an old row", async () => {
    const backend = new PickerBackend().install();
    const picker = new PickerState({ connections: [connection()], kind: driveFile, searchDelay: 10_000 });
    picker.load();
    await waitFor(() => expect(picker.items).toHaveLength(3));
    picker.typeSearch("plan");
    const chosen: string[] = [];
    const used = pickerKey(picker, "Enter", { inSearch: true, searchEmpty: false, onControl: false }, {
      choose: (resources) => chosen.push(...resources.map((item) => item.id)),
      cancel: () => {},
    });
    expect(used).toBe(true);
    expect(chosen, "the folder that was active is not opened or chosen").toEqual([]);
    expect(backend.lastRequest().search).toBe("plan");
    picker.dispose();
  });
});

describe("picker wording and access", () => {
  it("keeps a product's capital in the title and lowercases a plain noun", () => {
    expect(pickerTitle(driveFile, false)).toBe("Choose a Drive file");
    expect(kindNoun(spreadsheet)).toBe("spreadsheet");
    expect(pickerTitle({ ...driveFile, id: "jira.issue", name: "Issue" }, false)).toBe("Choose an issue");
    expect(pickerTitle(driveFile, true)).toBe("Choose one or more: Drive file");
  });

  it("counts items with thousands grouped, even where no locale is set", () => {
    expect(itemCount(1)).toBe("1 item");
    expect(itemCount(1234), "a bare 1234 is hard to read at a glance").not.toBe("1234 items");
  });

  it("asks for more access on the same connection with its products and the kind's", () => {
    const request = accessRequest(connection({ id: 4, products: ["gmail", "drive"] }), spreadsheet);
    expect(request).toEqual({ provider: "google", products: ["gmail", "drive", "sheets"], method: "browser", redirect: null, connection: 4, scopes: [] });
    const device = accessRequest(connection({ id: 5, provider: "github", authKind: "device_code", products: ["github"] }), {
      ...driveFile,
      provider: "github",
      products: ["github"],
    });
    expect(device.method, "a connection made with a code signs in again the same way").toBe("device_code");
  });
});
