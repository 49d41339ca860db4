// For picker tests: kinds and resources shaped like the backend's, and a mocked backend that lists a tree of places,
// sending pages over the listing's channel as the real one does, and records every command.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { ListingPage } from "../bindings/ListingPage";
import type { ListingSummary } from "../bindings/ListingSummary";
import type { ListRequest } from "../bindings/ListRequest";
import type { Resource } from "../bindings/Resource";
import type { ResourceKind } from "../bindings/ResourceKind";

export const driveFile: ResourceKind = {
  id: "drive.file",
  provider: "google",
  products: ["drive"],
  name: "Drive file",
  rootName: "Drive",
  filters: [
    { id: "any", label: "All files" },
    { id: "spreadsheet", label: "Spreadsheets" },
  ],
  searchable: true,
};

export const driveFolder: ResourceKind = { ...driveFile, id: "drive.folder", name: "Drive folder", filters: [] };

export const spreadsheet: ResourceKind = {
  ...driveFile,
  id: "sheets.spreadsheet",
  products: ["drive", "sheets"],
  name: "Spreadsheet",
  rootName: "Spreadsheets",
  filters: [],
};

export function folder(id: string, name = id): Resource {
  return { id, name, item: "folder", detail: "Folder", location: id, selectable: false };
}

export function file(id: string, name = id, changes: Partial<Resource> = {}): Resource {
  return { id, name, item: "file", detail: "PDF · 3 May", location: null, selectable: true, ...changes };
}

/** Drive as the tests browse it: places by location ("" is the top). */
export function driveTree(): Record<string, Resource[]> {
  return {
    "": [folder("projects", "Projects"), folder("archive", "Archive"), file("readme", "Read me")],
    projects: [folder("2026", "2026"), file("plan", "Plan")],
    "2026": [file("budget", "Budget"), file("report", "Report"), file("roadmap", "Roadmap")],
    archive: [],
  };
}

export type Listed = { listing: string; request: ListRequest; pages: Channel<ListingPage> };
type Answer = { resolve: (summary: ListingSummary) => void; reject: (error: unknown) => void };

export class PickerBackend {
  calls: [string, Record<string, unknown>][] = [];
  listed: Listed[] = [];
  tree: Record<string, Resource[]>;
  /** Listings stay open until the test answers them (`finish`, `fail`). */
  hold = false;
  pageSize = 1000;
  /** What every listing fails with, until cleared. */
  failure: { code: string; message: string } | null = null;
  summary: Partial<ListingSummary> = {};
  /** Replies to commands other than listings. */
  other: (command: string, args: Record<string, unknown>) => unknown = () => undefined;
  #answers = new Map<string, Answer>();

  constructor(tree: Record<string, Resource[]> = driveTree()) {
    this.tree = tree;
  }

  install(): this {
    mockIPC((command, args) => {
      const named = (args ?? {}) as Record<string, unknown>;
      this.calls.push([command, named]);
      if (command === "list_resources") return this.#list(named as unknown as Listed);
      return this.other(command, named);
    });
    return this;
  }

  sent(command: string): Record<string, unknown>[] {
    return this.calls.filter(([name]) => name === command).map(([, args]) => args);
  }

  requests(): ListRequest[] {
    return this.listed.map((listed) => listed.request);
  }

  lastRequest(): ListRequest {
    const last = this.listed[this.listed.length - 1];
    if (!last) throw new Error("nothing was listed");
    return last.request;
  }

  /** What a held listing has found so far, sent as pages. */
  sendPages(items: Resource[], listed: Listed = this.listed[this.listed.length - 1], delivered = 0): number {
    let total = delivered;
    for (let start = 0; start < items.length; start += this.pageSize) {
      const page = items.slice(start, start + this.pageSize);
      total += page.length;
      listed.pages.onmessage({ items: page, total });
    }
    return total;
  }

  /** Ends a held listing (the latest unless named) with its summary. */
  finish(total: number, listed: Listed = this.listed[this.listed.length - 1], changes: Partial<ListingSummary> = {}): void {
    this.#answers.get(listed.listing)?.resolve(this.#summary(total, changes));
  }

  fail(error: { code: string; message: string }, listed: Listed = this.listed[this.listed.length - 1]): void {
    this.#answers.get(listed.listing)?.reject(error);
  }

  #summary(total: number, changes: Partial<ListingSummary> = {}): ListingSummary {
    return { total, partial: false, note: null, cachedAt: null, cancelled: false, ...this.summary, ...changes };
  }

  #list(listed: Listed): Promise<ListingSummary> | ListingSummary {
    this.listed.push(listed);
    if (this.hold) {
      return new Promise((resolve, reject) => this.#answers.set(listed.listing, { resolve, reject }));
    }
    if (this.failure) throw this.failure;
    const { location, search } = listed.request;
    const here = this.tree[location ?? ""] ?? [];
    const found = search ? here.filter((item) => item.name.toLowerCase().includes(search.toLowerCase())) : here;
    return this.#summary(this.sendPages(found, listed));
  }
}
