// The integrations and their connections, one list for the sidebar's count and the Integrations page: a read that one of
// them starts is shared by the other if it asks for the same change while that read runs.
import { api } from "../ipc";
import { Loader } from "../shell/loader.svelte";
import type { Integration } from "../bindings/Integration";

export class IntegrationList extends Loader<Integration[]> {
  #reading: { changes: number; done: Promise<void> } | null = null;

  constructor() {
    super(api.listIntegrations);
  }

  /** Reads the list as of `changes` (a FlowTracker's count); asking again for that count while it is read shares the read. */
  refresh = (changes: number): Promise<void> => {
    if (this.#reading?.changes === changes) return this.#reading.done;
    const done = this.load().finally(() => {
      if (this.#reading?.done === done) this.#reading = null;
    });
    this.#reading = { changes, done };
    return done;
  };
}
