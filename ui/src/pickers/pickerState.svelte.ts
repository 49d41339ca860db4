// A picker's logic — the account, the place, the search and filter, the streamed listing, the active row and the
// selection — so the dialog only draws it and tests can drive it.
import { api, toUserError, type UserError } from "../ipc";
import type { Connection } from "../bindings/Connection";
import type { ListingSummary } from "../bindings/ListingSummary";
import type { Resource } from "../bindings/Resource";
import type { ResourceKind } from "../bindings/ResourceKind";

/** One step of the breadcrumb: the top (location `null`) or a place that was opened. */
export type Crumb = { name: string; location: string | null };

export type PickerOptions = {
  connections: readonly Connection[];
  kind: ResourceKind;
  /** A filter the form fixes; the person cannot change it. */
  fixedFilter?: string | null;
  multiple?: boolean;
  /** How long typing must pause before the search runs, in milliseconds. */
  searchDelay?: number;
  /** Words to open with, already searched (the chat's "the Q3 numbers sheet"). */
  initialSearch?: string;
  /** The place to open at, below the top (an issue's transitions); the breadcrumb leads back up. */
  startAt?: Crumb | null;
};

let listingCount = 0;

/** A listing id no other listing of this window uses (the backend cancels by it). */
function newListingId(): string {
  listingCount += 1;
  return `picker-${Date.now().toString(36)}-${listingCount}`;
}

/** The account a picker starts with: an enabled one with every product the kind needs, else the first. */
export function defaultConnection(connections: readonly Connection[], kind: ResourceKind): Connection | null {
  const enabled = connections.filter((connection) => connection.enabled);
  const ready = enabled.find((connection) => kind.products.every((product) => connection.products.includes(product)));
  return ready ?? enabled[0] ?? connections[0] ?? null;
}

/** Whether a row leads somewhere and is not itself the answer: Enter and double-click open it. */
export function isContainer(resource: Resource): boolean {
  return resource.location !== null && !resource.selectable;
}

export class PickerState {
  readonly kind: ResourceKind;
  readonly multiple: boolean;
  /** The filter the schema fixed, if any; the filter control is hidden then. */
  readonly fixedFilter: string | null;
  readonly #searchDelay: number;

  connection = $state<number | null>(null);
  path = $state<Crumb[]>([]);
  /** What the search box shows; the list follows it once typing pauses. */
  search = $state("");
  /** The search the current listing was asked with. */
  searched = $state("");
  filter = $state<string | null>(null);

  items = $state.raw<Resource[]>([]);
  /** How the current listing ended; null while it runs. */
  summary = $state<ListingSummary | null>(null);
  failure = $state<UserError | null>(null);
  running = $state(false);
  /** The row the keyboard is on, or -1. */
  active = $state(-1);
  selected = $state.raw<Resource[]>([]);
  /** Goes up with every new listing, so the list can scroll back to its top. */
  generation = $state(0);

  #listing: string | null = null;
  #searchTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: PickerOptions) {
    this.kind = options.kind;
    this.multiple = options.multiple ?? false;
    this.fixedFilter = options.fixedFilter ?? null;
    this.#searchDelay = options.searchDelay ?? 250;
    this.connection = defaultConnection(options.connections, options.kind)?.id ?? null;
    this.filter = this.fixedFilter ?? options.kind.filters[0]?.id ?? null;
    this.path = [{ name: options.kind.rootName, location: null }, ...(options.startAt ? [options.startAt] : [])];
    const words = options.initialSearch?.trim() ?? "";
    this.search = words;
    this.searched = words;
  }

  get here(): Crumb {
    return this.path[this.path.length - 1];
  }

  /** The first page has not arrived yet (skeletons show). */
  get waiting(): boolean {
    if (this.failure) return false;
    if (this.items.length > 0) return false;
    // Pages may reach the window after the summary: wait for them while it says there were some.
    return this.running || (this.summary !== null && this.summary.total > 0 && !this.summary.cancelled);
  }

  /** The filter the person chose when it hides some of what is here, and the default that shows it all (not the form's). */
  get narrowedTo(): { label: string; all: string } | null {
    const [unfiltered] = this.kind.filters;
    if (this.fixedFilter !== null || !unfiltered || this.filter === unfiltered.id) return null;
    const chosen = this.kind.filters.find((option) => option.id === this.filter);
    return chosen ? { label: chosen.label, all: unfiltered.label } : null;
  }

  get empty(): boolean {
    return !this.waiting && !this.failure && this.items.length === 0;
  }

  get activeItem(): Resource | null {
    return this.items[this.active] ?? null;
  }

  get canChoose(): boolean {
    return this.selected.length > 0;
  }

  isSelected(resource: Resource): boolean {
    return this.selected.some((chosen) => chosen.id === resource.id);
  }

  /** Lists the current place again from its first page; `refresh` asks the provider instead of the cache. */
  load = (refresh = false): void => {
    this.#cancelRunning();
    const connection = this.connection;
    this.items = [];
    this.summary = null;
    this.failure = null;
    this.active = -1;
    this.generation += 1;
    // A single choice is something in view: moving elsewhere lets go of it. Several may be gathered from many places.
    if (!this.multiple && !refresh) this.selected = [];
    if (connection === null) {
      this.failure = toUserError({ code: "NeedsAuth", message: "Connect an account first; there is nothing to list yet." });
      return;
    }
    const listing = newListingId();
    this.#listing = listing;
    this.running = true;
    const request = {
      connection,
      kind: this.kind.id,
      location: this.here.location,
      search: this.searched === "" ? null : this.searched,
      filter: this.filter,
      refresh,
    };
    api
      .listResources(listing, request, (page) => {
        if (this.#listing !== listing) return;
        this.items = this.items.concat(page.items);
        if (this.active === -1 && this.items.length > 0) this.active = 0;
      })
      .then(
        (summary) => {
          if (this.#listing !== listing) return;
          this.summary = summary;
          this.running = false;
        },
        (error) => {
          if (this.#listing !== listing) return;
          this.failure = toUserError(error);
          this.running = false;
        },
      );
  };

  /** Lists what `resource` holds, one level down. */
  open = (resource: Resource): void => {
    if (resource.location === null) return;
    this.path = [...this.path, { name: resource.name, location: resource.location }];
    this.#clearSearch();
    this.load();
  };

  /** One level up; false at the top. */
  up = (): boolean => {
    if (this.path.length <= 1) return false;
    this.goTo(this.path.length - 2);
    return true;
  };

  /** Back to the crumb at `index` (0 is the top). */
  goTo = (index: number): void => {
    if (index < 0 || index >= this.path.length) return;
    const alreadyThere = index === this.path.length - 1 && this.searched === "";
    this.path = this.path.slice(0, index + 1);
    this.#clearSearch();
    if (!alreadyThere || this.failure) this.load();
  };

  /** What the search box holds now; the listing follows after a pause. */
  typeSearch = (text: string): void => {
    this.search = text;
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(this.applySearch, this.#searchDelay);
  };

  /** Lists with the search box's text now (typing paused, or Enter with nothing to open). */
  applySearch = (): void => {
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    const text = this.search.trim();
    if (text === this.searched) return;
    this.searched = text;
    this.load();
  };

  setFilter = (filter: string): void => {
    if (this.fixedFilter !== null || filter === this.filter) return;
    this.filter = filter;
    this.load();
  };

  /** Another account: its own things, from the top, with nothing chosen. */
  setConnection = (id: number): void => {
    if (id === this.connection) return;
    this.connection = id;
    this.path = this.path.slice(0, 1);
    this.selected = [];
    this.#clearSearch();
    this.load();
  };

  setActive = (index: number): void => {
    if (this.items.length === 0) return;
    this.active = Math.max(0, Math.min(this.items.length - 1, index));
  };

  /** The keyboard moves the active row by `step`; with a single choice the selection follows it, as in a file dialog. */
  moveActive = (step: number): void => {
    this.jumpTo(this.active === -1 ? (step > 0 ? 0 : this.items.length - 1) : this.active + step);
  };

  /** The keyboard puts the active row at `index` (Home, End); a single choice follows it. */
  jumpTo = (index: number): void => {
    this.setActive(index);
    const row = this.activeItem;
    if (!this.multiple && row) this.selected = row.selectable ? [row] : [];
  };

  /** Single choice: this one instead. Several: in or out. Only what the picker asks for can be chosen. */
  toggle = (resource: Resource): void => {
    if (!resource.selectable) return;
    if (!this.multiple) {
      this.selected = [resource];
      return;
    }
    this.selected = this.isSelected(resource)
      ? this.selected.filter((chosen) => chosen.id !== resource.id)
      : [...this.selected, resource];
  };

  /** What Enter or a double-click on a chosen row hands back: the selection, with this row in it. */
  choiceWith = (resource: Resource): Resource[] => {
    if (!resource.selectable) return this.selected;
    if (!this.multiple) return [resource];
    return this.isSelected(resource) ? this.selected : [...this.selected, resource];
  };

  /** Stops the running listing and the pending search; the dialog calls this when it closes. */
  dispose = (): void => {
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    this.#cancelRunning();
    this.#listing = null;
  };

  #clearSearch(): void {
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    this.search = "";
    this.searched = "";
  }

  #cancelRunning(): void {
    const listing = this.#listing;
    if (listing !== null && this.running) {
      api.cancelListing(listing).catch(() => {
        // It ended on its own meanwhile; nothing to stop.
      });
    }
    this.running = false;
  }
}
