// Asking a connection for more access from a picker: the same sign-in the Integrations page uses (re-authorizing the
// connection with the kind's products), followed through the app's flow tracker so the picker knows when it lands.
import { api, toUserError, type UserError } from "../ipc";
import type { Connection } from "../bindings/Connection";
import type { ConnectRequest } from "../bindings/ConnectRequest";
import type { ResourceKind } from "../bindings/ResourceKind";
import type { FlowTracker } from "../integrations/flows.svelte";

export type AccessPhase = "idle" | "starting" | "waiting" | "granted" | "failed";

/** Re-authorizes `connection`, asking for what it has plus what browsing `kind` needs. */
export function accessRequest(connection: Connection, kind: ResourceKind): ConnectRequest {
  const products = [...new Set([...connection.products, ...kind.products])];
  const method = connection.authKind === "device_code" ? "device_code" : "browser";
  return { provider: kind.provider, products, method, redirect: null, connection: connection.id, scopes: [] };
}

export class AccessRequest {
  readonly #flows: FlowTracker;
  #flowId = $state<string | null>(null);
  #provider = $state<string | null>(null);
  #starting = $state(false);
  #failure = $state<UserError | null>(null);
  /** The last request, to ask again once the keyring problem is dealt with. */
  #last: ConnectRequest | null = null;

  constructor(flows: FlowTracker) {
    this.#flows = flows;
  }

  get phase(): AccessPhase {
    if (this.#starting) return "starting";
    if (this.#failure) return "failed";
    if (this.#flowId === null || this.#provider === null) return "idle";
    const tracked = this.#flows.flowFor(this.#provider);
    if (tracked?.update.flowId !== this.#flowId) return "idle";
    const state = tracked.update.state;
    if (state.state === "connected") return "granted";
    if (state.state === "failed") return "failed";
    return "waiting";
  }

  /** Why asking failed: starting the sign-in, or the sign-in itself. */
  get failure(): UserError | null {
    if (this.#failure) return this.#failure;
    if (this.#provider === null) return null;
    const state = this.#flows.flowFor(this.#provider)?.update.state;
    return state?.state === "failed" ? toUserError({ code: state.code, message: state.message }) : null;
  }

  start = (connection: Connection, kind: ResourceKind): Promise<void> => this.request(accessRequest(connection, kind));

  /** Starts `request` (a re-authorization asking for more) and follows its flow. */
  request = async (request: ConnectRequest): Promise<void> => {
    this.#last = request;
    this.#starting = true;
    this.#failure = null;
    try {
      const update = await api.startConnect(request);
      this.#flows.started(update, request);
      this.#flowId = update.flowId;
      this.#provider = update.provider;
    } catch (error) {
      this.#failure = toUserError(error);
    } finally {
      this.#starting = false;
    }
  };

  /** The keyring cannot be used: keeps the key in memory for this session, then asks again. */
  continueSessionOnly = async (): Promise<void> => {
    this.#starting = true;
    this.#failure = null;
    try {
      await api.useSessionOnlyKey();
    } catch (error) {
      this.#failure = toUserError(error);
      return;
    } finally {
      this.#starting = false;
    }
    if (this.#last) await this.request(this.#last);
  };

  /** Forgets the request (the listing is being tried again). */
  reset = (): void => {
    this.#flowId = null;
    this.#provider = null;
    this.#failure = null;
  };
}
