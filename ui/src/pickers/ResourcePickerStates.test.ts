import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { FlowTracker } from "../integrations/flows.svelte";
import { connection, flow } from "../test-fixtures";
import { formatClock } from "../format";
import { file, folder, PickerBackend } from "./test-backend";
import { activeId, crumbs, list, open, row, rowIds, rows, rowsAre, search } from "./test-picker";
import { itemCount } from "./wording";

afterEach(() => clearMocks());

describe("ResourcePicker: loading, failures, accounts and notes", () => {
  it("says when a search finds nothing", async () => {
    const backend = new PickerBackend();
    open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.input(search(), { target: { value: "zzz" } });
    expect(await screen.findByText("No matches for “zzz”")).toBeTruthy();
  });

  it("says when a filter the person chose may be why a place looks empty", async () => {
    const backend = new PickerBackend();
    open(backend);
    await rowsAre(["projects", "archive", "readme"]);
    await fireEvent.dblClick(row("archive"));
    expect(await screen.findByText("Nothing here")).toBeTruthy();
    expect(document.querySelector("[data-picker-narrowed]"), "with every file shown, empty is just empty").toBeNull();
    await fireEvent.change(screen.getByTestId("picker-filter"), { target: { value: "spreadsheet" } });
    await waitFor(() => expect(backend.lastRequest().filter).toBe("spreadsheet"));
    expect(
      (await screen.findByText(/Showing “Spreadsheets” only/)).textContent,
      "the files the filter hides may be what the person is looking for",
    ).toBe("Showing “Spreadsheets” only. Choose “All files” to see the rest.");
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
    expect(
      document.querySelector("[data-picker-count]")?.textContent?.trim(),
      "the count and the note read as words apart (Svelte trims spaces at the edge of an element's text)",
    ).toBe(`${itemCount(1)} · loading more…`);
    backend.finish(1);
    await waitFor(() => expect(document.querySelector("[data-picker-count]")?.textContent?.trim()).toBe(itemCount(1)));
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
      request: { provider: "google", products: ["gmail", "drive"], method: "browser", redirect: null, connection: 1, scopes: [] },
    });
    expect(await screen.findByText(/Finish in your browser/)).toBeTruthy();

    backend.failure = null;
    flows.received(flow({ state: "connected", connection: connection({ products: ["gmail", "drive"] }) }));
    await rowsAre(["projects", "archive", "readme"]);
    expect(backend.lastRequest().refresh, "after access is allowed the provider is asked, not the cache").toBe(true);
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

  it("shows the provider's mark with the account, read as the provider's name", async () => {
    const headerMark = () => within(screen.getByRole("dialog").querySelector("header")!).getByRole("img", { name: "Google" });
    const { unmount } = open(new PickerBackend());
    await rowsAre(["projects", "archive", "readme"]);
    expect(headerMark().dataset.providerMark, "beside the account's name").toBe("google");
    unmount();

    const work = connection({ id: 2, accountLabel: "ana@work.example", label: "work", products: ["drive"] });
    open(new PickerBackend(), { connections: [connection({ products: ["drive"] }), work] });
    await rowsAre(["projects", "archive", "readme"]);
    expect(headerMark().dataset.providerMark, "beside the account chooser").toBe("google");
    expect(screen.getByRole("combobox", { name: "Account" }), "the chooser keeps its own name").toBe(screen.getByTestId("picker-account"));
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

});
