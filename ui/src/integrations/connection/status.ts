// How a connection's health reads to a person: the badge's words and tone, what needs them, and what can be done.
import type { Connection } from "../../bindings/Connection";
import type { ConnectionStatus } from "../../bindings/ConnectionStatus";
import type { ConnectRequest } from "../../bindings/ConnectRequest";
import type { Integration } from "../../bindings/Integration";
import type { Provider } from "../../bindings/Provider";
import type { Tone } from "../../shell/StatusBadge.svelte";

export function statusBadge(status: ConnectionStatus): { tone: Tone; label: string } {
  switch (status.state) {
    case "connected":
      return { tone: "ok", label: "Active" };
    case "refreshing":
      return { tone: "info", label: "Renewing…" };
    case "expiring":
      return { tone: "info", label: "Renews soon" };
    case "needsReauthorization":
      return { tone: "error", label: "Needs sign-in" };
    case "missingScopes":
      return { tone: "warn", label: "Needs more access" };
    case "disabled":
      return { tone: "muted", label: "Off" };
    case "error":
      return { tone: "warn", label: status.configuration ? "Check settings" : "Having trouble" };
  }
}

/** The states the sidebar counts: the person has to act, or should know something is wrong. */
export function needsAttention(status: ConnectionStatus): boolean {
  return status.state === "needsReauthorization" || status.state === "missingScopes" || status.state === "error";
}

export function attentionCount(integrations: readonly Integration[]): number {
  return integrations.reduce(
    (count, integration) => count + integration.connections.filter((connection) => needsAttention(connection.status)).length,
    0,
  );
}

/** "Connected as …" while the account still signs in; a sign-in that stopped working says so. */
export function accountLine(connection: Connection): string {
  return connection.status.state === "needsReauthorization"
    ? `Was connected as ${connection.accountLabel}`
    : `Connected as ${connection.accountLabel}`;
}

/** Only signed-in connections have tokens to renew; keys and bot tokens do not expire. */
export function canRenew(connection: Connection): boolean {
  return connection.authKind === "oauth2" || connection.authKind === "device_code";
}

/** Signing in again needs a signed-in connection and a provider that still offers a sign-in. */
export function canReauthorize(connection: Connection, provider: Provider): boolean {
  return canRenew(connection) && (provider.auth.includes("oauth2") || provider.auth.includes("device_code"));
}

/** The same connection signs in again, asking for the products it has (the backend adds what they need). */
export function reauthorizeRequest(connection: Connection, provider: Provider): ConnectRequest {
  return {
    provider: provider.id,
    products: [...connection.products],
    method: provider.auth.includes("oauth2") ? "browser" : "device_code",
    redirect: null,
    connection: connection.id,
    scopes: [],
  };
}
