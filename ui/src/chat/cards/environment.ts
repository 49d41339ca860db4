// What the chat's cards need from the rest of the app: the integrations (providers, their accounts, whether a sign-in
// can start), the kinds of resource pickers can browse, the sign-ins in progress, and the way to a provider's set-up.
import type { Connection } from "../../bindings/Connection";
import type { Integration } from "../../bindings/Integration";
import type { ResourceKind } from "../../bindings/ResourceKind";
import type { FlowTracker } from "../../integrations/flows.svelte";

export type CardEnvironment = {
  integrations: readonly Integration[];
  kinds: readonly ResourceKind[];
  flows: FlowTracker;
  /** Opens Settings at the provider's OAuth app set-up. */
  onSetUp: (provider: string) => void;
};

export function connectionsOf(environment: CardEnvironment): Connection[] {
  return environment.integrations.flatMap((integration) => integration.connections);
}

/** The first thing a person can use in a card, for the focus when the card opens. */
export function firstControl(root: HTMLElement): HTMLElement | null {
  return root.querySelector<HTMLElement>(
    "button:not(:disabled), input:not(:disabled), textarea:not(:disabled), select:not(:disabled), a[href], [tabindex='0']",
  );
}
