// The sign-ins in progress (one per provider) and a count of connection changes, kept current by the backend's events.
import type { AppEvent } from "../bindings/AppEvent";
import type { ConnectRequest } from "../bindings/ConnectRequest";
import type { FlowUpdate } from "../bindings/FlowUpdate";

/** A flow as a card shows it, with the request that started it so "Try again" can repeat it. */
export type TrackedFlow = { update: FlowUpdate; request: ConnectRequest | null };

const FINISHED = new Set(["connected", "failed"]);

export class FlowTracker {
  #byProvider = $state<Record<string, TrackedFlow>>({});
  /** Flows the person already closed; late events about them are dropped. */
  #closed = new Set<string>();
  /** Goes up whenever the list of connections may have changed. */
  changes = $state(0);

  flowFor(provider: string): TrackedFlow | null {
    return this.#byProvider[provider] ?? null;
  }

  /** What `start_connect` answered; an event about the same flow that arrived first is newer and kept. */
  started(update: FlowUpdate, request: ConnectRequest): void {
    const current = this.#byProvider[update.provider];
    const latest = current?.update.flowId === update.flowId ? current.update : update;
    this.#set(latest, request);
  }

  /** An event from the backend about one flow. */
  received(update: FlowUpdate): void {
    if (this.#closed.has(update.flowId)) return;
    const current = this.#byProvider[update.provider];
    const sameFlow = current?.update.flowId === update.flowId;
    // Another flow of this provider may only replace one that has already finished.
    if (current && !sameFlow && !FINISHED.has(current.update.state.state)) return;
    this.#set(update, sameFlow ? current.request : null);
  }

  /** The person is done with this provider's flow (cancelled it, or read how it ended). */
  close(provider: string): void {
    const current = this.#byProvider[provider];
    if (!current) return;
    this.#closed.add(current.update.flowId);
    delete this.#byProvider[provider];
  }

  connectionsChanged(): void {
    this.changes += 1;
  }

  /** Routes one backend event; others (deep links) are ignored here. */
  handle(event: AppEvent): void {
    if (event.name === "connections://flow") this.received(event.payload);
    else if (event.name === "connections://changed") this.connectionsChanged();
  }

  #set(update: FlowUpdate, request: ConnectRequest | null): void {
    if (update.state.state === "cancelled") {
      this.#closed.add(update.flowId);
      delete this.#byProvider[update.provider];
      return;
    }
    this.#byProvider[update.provider] = { update, request };
    if (update.state.state === "connected") this.connectionsChanged();
  }
}

/** The app's one tracker: App.svelte feeds it, and it outlives the Integrations page. */
export const flowTracker = new FlowTracker();
