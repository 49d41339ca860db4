// The backend's chat events: "chat://changed" (a run moved on by itself: a connection landed, a sign-in failed), counted
// per conversation so the open one can read its last page again; and "chat://streaming" (the model's words so far),
// handed to whoever listens. App.svelte feeds the one instance below.

/** The whole text of assistant message `message` so far (not a delta). */
export type Streamed = { conversation: number; message: number; text: string };

export class ChatChanges {
  #counts = $state<Record<number, number>>({});
  #listeners = new Set<(streamed: Streamed) => void>();

  /** How many changes `conversation` has had; 0 before any. */
  countOf(conversation: number): number {
    return this.#counts[conversation] ?? 0;
  }

  received(conversation: number): void {
    this.#counts[conversation] = this.countOf(conversation) + 1;
  }

  /** Hands every streamed text from now on to `listener`; answers the way to stop listening. */
  onStreaming(listener: (streamed: Streamed) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  streamed(streamed: Streamed): void {
    for (const listener of this.#listeners) listener(streamed);
  }

  /** Routes an app event by its name; answers whether it was a chat event. Payloads of another shape are dropped. */
  handle(event: { name: string; payload?: unknown }): boolean {
    if (event.name === "chat://changed") {
      const conversation = (event.payload as { conversation?: unknown } | undefined)?.conversation;
      if (typeof conversation === "number") this.received(conversation);
      return true;
    }
    if (event.name === "chat://streaming") {
      const { conversation, message, text } = (event.payload ?? {}) as Record<string, unknown>;
      if (typeof conversation === "number" && typeof message === "number" && typeof text === "string") {
        this.streamed({ conversation, message, text });
      }
      return true;
    }
    return false;
  }
}

export const chatChanges = new ChatChanges();
