// For chat tests: messages and cards shaped like the backend's, and a mocked backend holding conversations and their
// messages, answering the chat commands (each may be overridden) and recording every call.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { InvokeArgs } from "@tauri-apps/api/core";
import type { PendingApproval } from "../bindings/PendingApproval";
import type { Card } from "../bindings/Card";
import type { ChatMessage } from "../bindings/ChatMessage";
import type { ConversationSummary } from "../bindings/ConversationSummary";
import type { Presentation } from "../bindings/Presentation";
import { modelSettingsView } from "../test-fixtures";

export function conversationSummary(id: number, title: string, preview = ""): ConversationSummary {
  return { id, title, preview, updatedAt: 1_795_000_000 + id };
}

export function message(id: number, changes: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    conversationId: 1,
    role: id % 2 === 1 ? "user" : "assistant",
    text: `Message ${id}`,
    createdAt: 1_795_000_000 + id,
    runId: null,
    card: null,
    cardOpen: false,
    ...changes,
  };
}

/** An assistant message of run 5 whose card waits for the person. */
export function cardMessage(id: number, card: Card, changes: Partial<ChatMessage> = {}): ChatMessage {
  return message(id, { role: "assistant", text: "", runId: 5, card, cardOpen: true, ...changes });
}

export function pendingApproval(changes: Partial<PendingApproval> = {}): PendingApproval {
  return {
    action: "gmail.send_email",
    title: "Send an email",
    sideEffect: "write",
    connectionId: 1,
    connectionName: "ana@example.com",
    arguments: { to: ["bo@example.com"], subject: "Lunch", body: "Tomorrow at noon?" },
    request: { method: "POST", url: "https://gmail.googleapis.com/gmail/v1/users/me/messages/send", headers: [], body: "{}" },
    canAlwaysAllow: false,
    ...changes,
  };
}

export const emailSchema = {
  type: "object",
  properties: {
    to: { type: "array", items: { type: "string" } },
    subject: { type: "string" },
    body: { type: "string" },
  },
  required: ["to", "subject", "body"],
};

export function approveCard(presentation?: Presentation): Card {
  return {
    kind: "approve",
    pending: pendingApproval(),
    schema: emailSchema,
    presentation: presentation ?? { kind: "email", to: ["bo@example.com"], cc: [], subject: "Lunch", body: "Tomorrow at noon?", attachments: [] },
  };
}

export type Call = { command: string; args: Record<string, unknown> };
export type Handler = (args: Record<string, unknown>) => unknown;

/** A backend with `conversations` and, per conversation, all its `messages` (oldest first); `overrides` win. */
export function chatBackend(
  options: {
    conversations?: ConversationSummary[];
    messages?: Record<number, ChatMessage[]>;
    suggestions?: string[];
    overrides?: Record<string, Handler>;
  } = {},
) {
  const calls: Call[] = [];
  let conversations = options.conversations ?? [];
  const messages = options.messages ?? {};
  const handlers: Record<string, Handler> = {
    list_conversations: ({ search }) =>
      search ? conversations.filter((c) => c.title.toLowerCase().includes(String(search).toLowerCase())) : conversations,
    create_conversation: () => {
      const made = conversationSummary(Math.max(0, ...conversations.map((c) => c.id)) + 1, "");
      conversations = [made, ...conversations];
      return made;
    },
    rename_conversation: ({ id, title }) => {
      conversations = conversations.map((c) => (c.id === id ? { ...c, title: String(title) } : c));
      return conversations.find((c) => c.id === id);
    },
    delete_conversation: ({ id }) => {
      conversations = conversations.filter((c) => c.id !== id);
    },
    conversation_messages: ({ id, before, limit }) => {
      const all = messages[id as number] ?? [];
      const end = before === null ? all.length : all.findIndex((m) => m.id === before);
      const start = Math.max(0, end - (limit as number));
      return { messages: all.slice(start, end), hasMore: start > 0 };
    },
    send_message: ({ conversation, text }) => [
      message(1000, { conversationId: conversation as number, role: "user", text: String(text), runId: 9 }),
      message(1001, { conversationId: conversation as number, role: "assistant", text: `You said: ${text}`, runId: 9 }),
    ],
    answer_card: () => [message(2000, { role: "assistant", text: "Done.", runId: 5 })],
    stop_conversation: () => [],
    model_settings: () => modelSettingsView(),
    find_local_model_server: () => null,
    chat_suggestions: () => options.suggestions ?? [],
    resource_kinds: () => [],
    list_integrations: () => [],
    ...options.overrides,
  };
  mockIPC((command: string, payload?: InvokeArgs) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ command, args });
    const handler = handlers[command];
    if (!handler) return undefined;
    return handler(args);
  });
  return {
    calls,
    callsOf: (command: string) => calls.filter((call) => call.command === command).map((call) => call.args),
  };
}
