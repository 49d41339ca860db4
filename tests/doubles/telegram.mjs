// Telegram's Bot API under `/telegram/bot<token>/<method>`: getMe, sendMessage (JSON, form or
// query parameters), getUpdates, setWebhook and deleteWebhook. The token is in the path (no
// Authorization header); its bot id is the part before `:`. Answers are {"ok":true,"result":…};
// errors {"ok":false,"error_code":…,"description":"Bad Request: chat not found"} with that
// status. getUpdates answers the earliest pending updates first (at most `limit`); an `offset`
// confirms the updates before it and a negative one forgets all but the last -offset, so both
// change what is pending; with a webhook set it answers 409 Conflict. Kept until reset.

import { sendJson } from "./common.mjs";
import { onReset } from "./control.mjs";

const TOKEN = /^\/telegram\/bot(\d{1,20}:[A-Za-z0-9_-]{20,})\/([A-Za-z]+)$/;
const DATE = 1_772_355_600; // 2026-03-01T09:00Z
const ANA = { id: 111222333, is_bot: false, first_name: "Ana", last_name: "Lima", username: "ana_lima", language_code: "en" };
const CHATS = [
  { id: 111222333, type: "private", first_name: "Ana", last_name: "Lima", username: "ana_lima" },
  { id: -1001234567890, type: "supergroup", title: "Switchboard team <b>chat</b>" },
  { id: -1009876543210, type: "channel", title: "Switchboard news", username: "switchboard_news" },
];
const PARSE_MODES = ["HTML", "MarkdownV2", "Markdown"];
let sent = 0;
/** Per bot token: the updates still pending (undefined: all of the seed's), and its webhook. */
const pending = new Map();
const webhooks = new Map();
onReset(() => {
  pending.clear();
  webhooks.clear();
});

/** The bot token from the path; null when the path has none. */
export function tokenOf(ctx) {
  return ctx.path.match(TOKEN)?.[1] ?? null;
}

const failure = (status, description) => [status, { ok: false, error_code: status, description }];

export function unauthorized(ctx) {
  return sendJson(ctx.res, ...failure(401, "Unauthorized"));
}

export function defaultError(status) {
  if (status === 429) return { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } };
  return failure(status, status >= 500 ? "Internal Server Error" : "Bad Request")[1];
}

export function handle(ctx) {
  const send = (answer) => sendJson(ctx.res, ...answer);
  const [, token, method] = ctx.path.match(TOKEN);
  const bot = { id: Number(token.split(":")[0]), is_bot: true, first_name: "Switchboard", username: "switchboard_test_bot", can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
  let fields = ctx.params;
  if (ctx.method === "POST" && (ctx.req.headers["content-type"] ?? "").startsWith("application/json")) {
    try {
      fields = new Map(Object.entries(JSON.parse(ctx.body || "{}")));
    } catch {
      return send(failure(400, "Bad Request: can't parse JSON object"));
    }
  }
  switch (method) {
    case "getMe":
      return send([200, { ok: true, result: bot }]);
    case "sendMessage":
      return send(sendMessage(fields, bot));
    case "getUpdates":
      return send(getUpdates(fields, token));
    case "setWebhook":
      if (!/^https:\/\//.test(fields.get("url") ?? "")) return send(failure(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"));
      webhooks.set(token, fields.get("url"));
      return send([200, { ok: true, result: true, description: "Webhook was set" }]);
    case "deleteWebhook":
      webhooks.delete(token);
      return send([200, { ok: true, result: true, description: "Webhook was deleted" }]);
    default:
      return send(failure(404, "Not Found"));
  }
}

function sendMessage(fields, bot) {
  const chatId = fields.get("chat_id");
  if (chatId === undefined || chatId === null || chatId === "") return failure(400, "Bad Request: chat_id is empty");
  const chat = CHATS.find((c) => String(c.id) === String(chatId) || (c.username && `@${c.username}` === chatId));
  const text = fields.get("text");
  if (typeof text !== "string" || text.trim() === "") return failure(400, "Bad Request: message text is empty");
  if (!chat) return failure(400, "Bad Request: chat not found");
  if (text.length > 4096) return failure(400, "Bad Request: message is too long");
  const mode = fields.get("parse_mode");
  if (mode !== undefined && mode !== null && !PARSE_MODES.includes(mode)) return failure(400, "Bad Request: unsupported parse_mode");
  if (mode === "HTML" && /<(?!\/?(b|strong|i|em|u|s|a|code|pre|blockquote|tg-spoiler)\b)/i.test(text)) {
    return failure(400, "Bad Request: can't parse entities: Unsupported start tag");
  }
  sent += 1;
  const message = { message_id: 100 + sent, from: bot, chat, date: DATE + sent, text };
  if (chat.type === "channel") delete message.from;
  return [200, { ok: true, result: message }];
}

function getUpdates(fields, token) {
  if (webhooks.has(token)) {
    return failure(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  }
  const limit = fields.get("limit") === undefined || fields.get("limit") === null ? 100 : Number(fields.get("limit"));
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return failure(400, "Bad Request: limit must be between 1 and 100");
  let updates = pending.get(token) ?? seedUpdates();
  const offset = fields.get("offset") === undefined || fields.get("offset") === null ? 0 : Number(fields.get("offset"));
  if (offset < 0) updates = updates.slice(offset);
  else if (offset > 0) updates = updates.filter((update) => update.update_id >= offset);
  pending.set(token, updates);
  return [200, { ok: true, result: updates.slice(0, limit) }];
}

function seedUpdates() {
  const [person, group, channel] = CHATS;
  return [
    { update_id: 500001, message: { message_id: 11, from: ANA, chat: person, date: DATE - 300, text: "/start" } },
    { update_id: 500002, message: { message_id: 12, from: ANA, chat: group, date: DATE - 200, text: "Hello <script>alert('telegram')</script> team" } },
    { update_id: 500003, channel_post: { message_id: 13, sender_chat: channel, chat: channel, date: DATE - 100, text: "Release 1.2 is out" } },
  ];
}

export const seed = { chats: CHATS.map((c) => c.id), person: ANA.id, group: CHATS[1].id };
