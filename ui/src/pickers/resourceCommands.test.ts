import { afterEach, describe, expect, it } from "vitest";
import { Channel } from "@tauri-apps/api/core";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api } from "../ipc";
import type { ListingPage } from "../bindings/ListingPage";
import { file } from "./test-backend";

afterEach(() => clearMocks());

describe("resource commands", () => {
  const request = { connection: 1, kind: "drive.file", location: null, search: null, filter: "any", refresh: false };

  it("send their arguments by the names the backend expects, with the pages as a channel", async () => {
    const calls: [string, Record<string, unknown>][] = [];
    mockIPC((command, args) => {
      calls.push([command, (args ?? {}) as Record<string, unknown>]);
      if (command === "list_resources") return { total: 0, partial: false, note: null, cachedAt: null, cancelled: false };
    });
    await api.resourceKinds("google");
    await api.resourceKinds(null);
    await api.listResources("listing-1", request, () => {});
    await api.cancelListing("listing-1");
    expect(calls.map(([command]) => command)).toEqual(["resource_kinds", "resource_kinds", "list_resources", "cancel_listing"]);
    expect(calls[0][1]).toEqual({ provider: "google" });
    expect(calls[1][1], "null asks for every provider's kinds").toEqual({ provider: null });
    expect(calls[2][1]).toMatchObject({ listing: "listing-1", request });
    expect(calls[2][1].pages, "pages travel over a Channel the backend writes to").toBeInstanceOf(Channel);
    expect(calls[3][1]).toEqual({ listing: "listing-1" });
  });

  it("hands each page to the caller as it arrives, then resolves with the summary", async () => {
    const pages: ListingPage[] = [];
    const summary = { total: 2, partial: true, note: "Stopped at the item cap.", cachedAt: null, cancelled: false };
    mockIPC((_command, args) => {
      const channel = (args as { pages: Channel<ListingPage> }).pages;
      channel.onmessage({ items: [file("a")], total: 1 });
      channel.onmessage({ items: [file("b")], total: 2 });
      return summary;
    });
    await expect(api.listResources("listing-2", request, (page) => pages.push(page))).resolves.toEqual(summary);
    expect(pages.map((page) => page.total), "pages arrive in order, each with the running total").toEqual([1, 2]);
  });

  it("rejects with the backend's UserError, NeedsConsent included", async () => {
    mockIPC(() => {
      throw { code: "NeedsConsent", message: "This account has not allowed Switchboard to read Drive." };
    });
    await expect(api.listResources("listing-3", request, () => {})).rejects.toMatchObject({ code: "NeedsConsent" });
  });
});
