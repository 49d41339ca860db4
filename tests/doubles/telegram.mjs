// Telegram's Bot API under `/telegram/bot<token>/<method>`: getMe, sendMessage (JSON, form or
// query parameters) and getUpdates. The token is in the path (no Authorization header); its
// bot id is the part before `:`. Answers are {"ok":true,"result":…}; errors
// {"ok":false,"error_code":…,"description":"Bad Request: chat not found"} with that status.

import { sendJson } from "./common.mjs";

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
      return send(getUpdates(fields));
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

function getUpdates(fields) {
  const limit = fields.get("limit") === undefined || fields.get("limit") === null ? 100 : Number(fields.get("limit"));
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return failure(400, "Bad Request: limit must be between 1 and 100");
  const [person, group, channel] = CHATS;
  const updates = [
    { update_id: 500001, message: { message_id: 11, from: ANA, chat: person, date: DATE - 300, text: "/start" } },
    { update_id: 500002, message: { message_id: 12, from: ANA, chat: group, date: DATE - 200, text: "Hello <script>alert('telegram')</script> team" } },
    { update_id: 500003, channel_post: { message_id: 13, sender_chat: channel, chat: channel, date: DATE - 100, text: "Release 1.2 is out" } },
  ];
  return [200, { ok: true, result: updates.slice(-limit) }];
}

export const seed = { chats: CHATS.map((c) => c.id), person: ANA.id, group: CHATS[1].id };
