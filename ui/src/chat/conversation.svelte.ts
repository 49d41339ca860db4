// One open conversation's messages and what is happening in it: its pages (the last first, older ones on request),
// the person's message on its way, the run working, the model's words as they arrive, and the card that just opened
// (it takes the focus). Every answer from the backend is merged in by message id, so a reload, a reply, a stop and the
// streamed words can arrive in any order: until a command's final answer, the longest text heard wins.
import { api, toUserError, type UserError } from "../ipc";
import type { CardAnswer } from "../bindings/CardAnswer";
import type { ChatMessage } from "../bindings/ChatMessage";

/** Messages per page. */
export const PAGE_SIZE = 50;

export type Work = "sending" | "answering" | "stopping";

/** `incoming` merged into `current` (same id: the newer copy wins), oldest first. */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export class Conversation {
  readonly id: number;
  messages = $state.raw<ChatMessage[]>([]);
  /** Older messages exist before the first one loaded. */
  hasMore = $state(false);
  loaded = $state(false);
  loadingOlder = $state(false);
  /** Why the messages could not be read. */
  failure = $state<UserError | null>(null);
  /** Why the last send, answer or stop failed. */
  problem = $state<UserError | null>(null);
  work = $state<Work | null>(null);
  /** What the person sent, shown until the backend answers with it. */
  outgoing = $state<string | null>(null);
  /** The message whose card opened just now, by the person's doing or the run's: its first control takes the focus. */
  focusCard = $state<number | null>(null);
  /** Messages whose words are arriving now, with the longest text heard for each. */
  live = $state.raw<ReadonlyMap<number, string>>(new Map());
  /** Messages whose final text is known: words heard late for them are ignored. */
  #settled = new Set<number>();

  constructor(id: number) {
    this.id = id;
  }

  get empty(): boolean {
    return this.loaded && this.messages.length === 0 && this.outgoing === null;
  }

  /** Reads the last page (again: after a `chat://changed`, the run moved on by itself). */
  loadLatest = async (): Promise<void> => {
    this.failure = null;
    try {
      const page = await api.conversationMessages(this.id, null, PAGE_SIZE);
      const first = !this.loaded;
      this.#take(page.messages, !first, false);
      if (first || this.messages.length <= page.messages.length) this.hasMore = page.hasMore;
      this.loaded = true;
    } catch (error) {
      this.failure = toUserError(error);
    }
  };

  /** Reads the page before the first message loaded. */
  loadOlder = async (): Promise<void> => {
    if (!this.hasMore || this.loadingOlder || this.messages.length === 0) return;
    this.loadingOlder = true;
    try {
      const page = await api.conversationMessages(this.id, this.messages[0].id, PAGE_SIZE);
      this.messages = mergeMessages(this.messages, page.messages);
      this.hasMore = page.hasMore;
    } catch (error) {
      this.failure = toUserError(error);
    } finally {
      this.loadingOlder = false;
    }
  };

  send = async (text: string): Promise<boolean> => {
    if (this.work !== null || text.trim() === "") return false;
    this.outgoing = text;
    const sent = await this.#working("sending", () => api.sendMessage(this.id, text));
    this.outgoing = null;
    return sent;
  };

  answer = async (run: number, answer: CardAnswer): Promise<boolean> => {
    if (this.work !== null) return false;
    return this.#working("answering", () => api.answerCard(run, answer));
  };

  /** The model's whole `text` so far for `message` (loaded or not yet): shown unless a longer one is already known. */
  stream = (message: number, text: string): void => {
    if (this.#settled.has(message) || text.length < (this.live.get(message)?.length ?? 0)) return;
    this.live = new Map(this.live).set(message, text);
    const index = this.messages.findIndex((known) => known.id === message);
    if (index < 0 || this.messages[index].text.length >= text.length) return;
    const messages = [...this.messages];
    messages[index] = { ...messages[index], text };
    this.messages = messages;
  };

  /** Stops whatever is live here: the model's answer at once, and the run working or waiting. */
  stop = async (): Promise<void> => {
    if (this.work === null || this.work === "stopping") return;
    const was = this.work;
    this.work = "stopping";
    try {
      this.#take(await api.stopConversation(this.id), false, true);
      this.#settleLive();
    } catch (error) {
      this.problem = toUserError(error);
      this.work = was;
    }
  };

  async #working(work: Work, request: () => Promise<ChatMessage[]>): Promise<boolean> {
    this.work = work;
    this.problem = null;
    try {
      this.#take(await request(), true, true);
      return true;
    } catch (error) {
      this.problem = toUserError(error);
      return false;
    } finally {
      this.work = null;
      this.#settleLive(); // the command has ended, and with it the answers it streamed
    }
  }

  #settleLive() {
    for (const message of this.live.keys()) this.#settled.add(message);
    this.live = new Map();
  }

  /**
   * Merges `incoming`; with `focus`, a card that opened among them takes the focus. A command's `final` answer replaces
   * the words streamed so far; a reload keeps them when they are longer, and (no command running) ends their stream
   * once it holds as much.
   */
  #take(incoming: readonly ChatMessage[], focus: boolean, final: boolean) {
    incoming = final ? this.#settle(incoming) : this.#withLiveText(incoming);
    // The message on its way has been stored (a reload found it): show it once, not twice.
    const outgoing = this.outgoing?.trim();
    if (outgoing && incoming.some((message) => message.role === "user" && message.text === outgoing)) this.outgoing = null;
    const before = new Map(this.messages.map((message) => [message.id, message]));
    // A run waits on its newest card only: a run that moved on closes the cards it showed before.
    const moved = new Set(incoming.map((message) => message.runId).filter((run) => run !== null));
    const fresh = new Set(incoming.map((message) => message.id));
    this.messages = mergeMessages(this.messages, incoming).map((message) =>
      message.cardOpen && message.runId !== null && moved.has(message.runId) && !fresh.has(message.id)
        ? { ...message, cardOpen: false }
        : message,
    );
    if (!focus) return;
    const opened = incoming.filter((message) => message.card && message.cardOpen && !before.get(message.id)?.cardOpen);
    if (opened.length > 0) this.focusCard = opened[opened.length - 1].id;
  }

  #settle(incoming: readonly ChatMessage[]): readonly ChatMessage[] {
    const live = new Map(this.live);
    for (const message of incoming) {
      this.#settled.add(message.id);
      live.delete(message.id);
    }
    if (live.size !== this.live.size) this.live = live;
    return incoming;
  }

  #withLiveText(incoming: readonly ChatMessage[]): readonly ChatMessage[] {
    if (this.live.size === 0) return incoming;
    const live = new Map(this.live);
    const shown = incoming.map((message) => {
      const heard = live.get(message.id);
      if (heard === undefined) return message;
      if (heard.length > message.text.length) return { ...message, text: heard };
      if (this.work === null) live.delete(message.id);
      return message;
    });
    if (live.size !== this.live.size) this.live = live;
    return shown;
  }
}
