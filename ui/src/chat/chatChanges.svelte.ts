// The backend's "chat://changed" events (a run moved on by itself: a connection landed, a sign-in failed), counted per
// conversation so the open one can read its last page again. App.svelte feeds the one instance below.
export class ChatChanges {
  #counts = $state<Record<number, number>>({});

  /** How many changes `conversation` has had; 0 before any. */
  countOf(conversation: number): number {
    return this.#counts[conversation] ?? 0;
  }

  received(conversation: number): void {
    this.#counts[conversation] = this.countOf(conversation) + 1;
  }

  /** Routes an app event; only "chat://changed" (not in the generated AppEvent union yet) is read. */
  handle(event: { name: string; payload?: unknown }): boolean {
    if (event.name !== "chat://changed") return false;
    const conversation = (event.payload as { conversation?: unknown } | undefined)?.conversation;
    if (typeof conversation === "number") this.received(conversation);
    return true;
  }
}

export const chatChanges = new ChatChanges();
