// Slack's Web API for what actions do: chat.postMessage (JSON `{channel, text, thread_ts?}`; a
// channel that does not exist is `channel_not_found`, one the bot is not in `not_in_channel`),
// conversations.history (newest first), users.profile.set (`{profile: {status_text,
// status_emoji, status_expiration}}`, a person's token only: a bot's is `not_allowed_token_type`). Errors are HTTP 200 `{"ok": false}`, as Slack answers.
// Posted messages are kept until reset.
import { onReset } from "./control.mjs";

const state = { posted: new Map(), clock: 1_733_400_000 };
onReset(() => {
  state.posted.clear();
});

function json(ctx) {
  if (!(ctx.req.headers["content-type"] ?? "").startsWith("application/json")) return null;
  try {
    return JSON.parse(ctx.body);
  } catch {
    return null;
  }
}

/** Answers a write method (or conversations.history); undefined for the others. */
export function handleWrite(ctx, method, channels, me) {
  const fail = (error) => ({ ok: false, error });
  const channelOf = (id) => channels.find((channel) => channel.id === id);
  switch (method) {
    case "chat.postMessage": {
      const body = json(ctx);
      if (!body) return fail("invalid_json");
      if (!body.channel) return fail("channel_not_found");
      const channel = channelOf(body.channel);
      if (!channel) return fail("channel_not_found");
      if (!channel.is_member) return fail("not_in_channel");
      if (typeof body.text !== "string" || body.text === "") return fail("no_text");
      const ts = `${(state.clock += 7)}.000${String(state.posted.size + 100).padStart(3, "0")}`;
      const message = { type: "message", user: me, text: body.text, ts, ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}) };
      if (!state.posted.has(channel.id)) state.posted.set(channel.id, []);
      state.posted.get(channel.id).push(message);
      return { ok: true, channel: channel.id, ts, message };
    }
    case "conversations.history": {
      const channel = channelOf(ctx.params.get("channel"));
      if (!channel) return fail("channel_not_found");
      if (!channel.is_member && channel.is_private) return fail("not_in_channel");
      const limit = Math.min(Number(ctx.params.get("limit") ?? 100) || 100, 999);
      const seeded = [
        { type: "message", user: me, text: "Standup at 10 <!here>", ts: "1733300000.000100" },
        { type: "message", user: "U0BO000002", text: "<script>alert('slack')</script> deploy done", ts: "1733310000.000200" },
      ];
      const all = [...seeded, ...(state.posted.get(channel.id) ?? [])].reverse();
      return { ok: true, messages: all.slice(0, limit), has_more: all.length > limit };
    }
    case "users.profile.set": {
      // Only a person's token may change a profile; Slack refuses a bot's.
      if (ctx.bearer?.startsWith("xoxb-")) return fail("not_allowed_token_type");
      const body = json(ctx);
      const profile = body?.profile;
      if (!profile || typeof profile !== "object") return fail("invalid_profile");
      if (profile.status_emoji && !/^:[a-z0-9_+-]+:$/.test(profile.status_emoji)) {
        return fail("profile_status_set_failed_not_valid_emoji");
      }
      return { ok: true, profile: { status_text: profile.status_text ?? "", status_emoji: profile.status_emoji ?? "", status_expiration: profile.status_expiration ?? 0 } };
    }
    default:
      return undefined;
  }
}
