import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import NoticeBanner from "./NoticeBanner.svelte";
import type { Notice } from "../bindings/Notice";

afterEach(() => clearMocks());

describe("NoticeBanner", () => {
  it("shows a notice until it is dismissed", async () => {
    let notices: Notice[] = [
      { id: 3, kind: "DatabaseRecovered", message: "The database was damaged.", detail: "/d/x.corrupt", createdAt: 1 },
    ];
    const dismissed: unknown[] = [];
    mockIPC((command, args) => {
      if (command === "list_notices") return notices;
      if (command === "dismiss_notice") {
        dismissed.push(args);
        notices = [];
      }
    });
    render(NoticeBanner);
    expect(await screen.findByText("The database was damaged.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    await waitFor(() => expect(screen.queryByText("The database was damaged.")).toBeNull());
    expect(dismissed).toEqual([{ id: 3 }]);
  });

  it("reads the notices again when connections change", async () => {
    let notices: Notice[] = [];
    mockIPC((command) => (command === "list_notices" ? notices : undefined));
    const { rerender } = render(NoticeBanner, { changes: 0 });
    await waitFor(() => expect(screen.queryByRole("status")).toBeNull());
    notices = [
      { id: -1, kind: "StorageRefused", message: "Switchboard can't save to its data folder.", detail: null, createdAt: 2 },
    ];
    await rerender({ changes: 1 });
    expect(await screen.findByText("Switchboard can't save to its data folder.")).toBeTruthy();
  });
});
