// Slack's Web API: auth.test, conversations.list and users.list, GET with query parameters or
// POST with a form (or JSON) body, cursor paging, and errors as HTTP 200 {"ok":false}.
import { random, sendJson } from "./common.mjs";
import { nextToken } from "./control.mjs";
import { handleWrite } from "./slack-writes.mjs";

const TEAM = { id: "T0SWITCHB", name: "Switchboard Crew", domain: "switchboard-crew" };
const ME = "U0ANA00001";
const CREATED = 1_700_000_000;

function seedSlack() {
  const rand = random(350);
  const channels = [];
  const topics = ["", "Daily updates", "Ask anything", "<script>alert('topic')</script>", "Links & notes"];
  const areas = ["eng", "design", "sales", "ops", "support", "proj", "team", "help", "social", "announce"];
  for (let i = 0; i < 350; i += 1) {
    const greek = ["alpha", "beta", "gamma", "delta", "omega"][i % 5];
    const name = i === 0 ? "general" : i === 1 ? "random" : `${areas[i % areas.length]}-${greek}-${i}`;
    const isPrivate = i > 1 && i % 8 === 3;
    const oldPrivate = isPrivate && i % 16 === 3;
    const id = `${oldPrivate ? "G" : "C"}0${(1_000_000_000 + i * 7_368_787).toString(36).toUpperCase().padStart(8, "0")}`;
    const memberOf = i < 2 || isPrivate || rand.chance(0.45);
    channels.push({
      id,
      name,
      is_channel: !oldPrivate,
      is_group: oldPrivate,
      is_im: false,
      is_mpim: false,
      is_private: isPrivate,
      created: CREATED + i * 3600,
      is_archived: i > 1 && i % 12 === 5,
      is_general: i === 0,
      unlinked: 0,
      name_normalized: name,
      is_shared: false,
      is_org_shared: false,
      is_pending_ext_shared: false,
      pending_shared: [],
      context_team_id: TEAM.id,
      updated: (CREATED + i * 7200) * 1000,
      parent_conversation: null,
      creator: ME,
      is_ext_shared: false,
      shared_team_ids: [TEAM.id],
      pending_connected_team_ids: [],
      is_member: memberOf,
      topic: { value: topics[i % topics.length], creator: i % topics.length ? ME : "", last_set: i % topics.length ? CREATED : 0 },
      purpose: { value: i === 2 ? "<img src=x onerror=alert('purpose')>" : `Channel ${name}`, creator: ME, last_set: CREATED },
      previous_names: [],
      num_members: 2 + rand.int(300),
    });
  }
  // Private channels appear only to members; a user token sees no one else's.
  const visible = channels.filter((c) => !c.is_private || c.is_member);
  const ims = [1, 2, 3].map((n) => ({
    id: `D0IM0000${n}`,
    created: CREATED,
    is_im: true,
    is_org_shared: false,
    user: `U0PERSON${String(n).padStart(3, "0")}`,
    is_user_deleted: false,
    priority: 0,
  }));
  const mpims = [1, 2].map((n) => ({
    ...visible[2],
    id: `G0MPIM000${n}`,
    name: `mpdm-ana--rui--eva-${n}`,
    name_normalized: `mpdm-ana--rui--eva-${n}`,
    is_channel: false,
    is_group: true,
    is_mpim: true,
    is_private: true,
    is_member: true,
    num_members: 3,
  }));
  const users = [];
  const first = ["Ana", "Rui", "Eva", "Joao", "Mia", "Leo", "Ines", "Tomas", "Sara", "Nuno", "Rita", "Hugo"];
  const last = ["Lima", "Costa", "Silva", "Reis", "Alves", "Nunes", "Lopes", "Pinto", "Sousa", "Gomes"];
  users.push(user(ME, "ana", "Ana Lima", { is_admin: true, is_owner: true }));
  users.push(user("USLACKBOT", "slackbot", "Slackbot", { is_bot: false }));
  for (let i = 1; users.length < 120; i += 1) {
    const id = `U0PERSON${String(i).padStart(3, "0")}`;
    if (i % 15 === 0) {
      users.push(user(`U0BOT${String(i).padStart(5, "0")}`, `bot-${i}`, `Build bot ${i}`, { is_bot: true, bot_id: `B0BOT${i}` }));
    } else {
      const real = i === 7 ? "<img src=x onerror=alert('slack-user')>" : `${first[i % first.length]} ${last[(i * 3) % last.length]}`;
      users.push(user(id, real.toLowerCase().replace(/[^a-z]+/g, ".").replace(/^\.|\.$/g, "") + i, real, { deleted: i % 11 === 4 }));
    }
  }
  return { channels: visible, ims, mpims, users };
}

function user(id, name, realName, extra = {}) {
  const { deleted = false, is_bot = false, bot_id, ...flags } = extra;
  return {
    id,
    team_id: TEAM.id,
    name,
    deleted,
    color: "9f69e7",
    real_name: realName,
    tz: "Europe/Lisbon",
    tz_label: "Western European Time",
    tz_offset: 0,
    profile: {
      real_name: realName,
      display_name: deleted ? "" : name,
      real_name_normalized: realName,
      display_name_normalized: deleted ? "" : name,
      ...(bot_id ? { bot_id } : {}),
      team: TEAM.id,
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot,
    is_app_user: false,
    updated: CREATED,
    ...flags,
  };
}

const data = seedSlack();

export function unauthorized(ctx, why) {
  return sendJson(ctx.res, 200, { ok: false, error: why === "missing" ? "not_authed" : "invalid_auth" });
}

export function defaultError(status) {
  return { ok: false, error: status === 429 ? "ratelimited" : status >= 500 ? "internal_error" : "request_timeout" };
}

/** The token of a request: the Authorization header, or `token` in a POST body. */
export function tokenOf(ctx) {
  return ctx.bearer ?? (ctx.method === "POST" ? ctx.params.get("token") : null) ?? null;
}

export function handle(ctx) {
  const method = ctx.path.slice("/slack/api/".length);
  const answer = (body) => sendJson(ctx.res, 200, body);
  switch (method) {
    case "auth.test":
      return answer({
        ok: true,
        url: `https://${TEAM.domain}.slack.com/`,
        team: TEAM.name,
        user: "ana",
        team_id: TEAM.id,
        user_id: ME,
        is_enterprise_install: false,
      });
    case "conversations.list":
      return answer(conversations(ctx));
    case "users.list":
      return answer(users(ctx));
    case "chat.postMessage":
    case "conversations.history":
    case "users.profile.set":
      return answer(handleWrite(ctx, method, data.channels, ME));
    default:
      return sendJson(ctx.res, 404, { ok: false, error: "unknown_method", req_method: method });
  }
}

/** One page from a cursor (`base64("<prefix>:<first id of the page>")`), or an error body. */
function page(ctx, items, prefix, limit) {
  const incoming = ctx.params.get("cursor") || "";
  let start = 0;
  if (incoming) {
    const decoded = Buffer.from(incoming, "base64").toString("utf8");
    start = decoded.startsWith(`${prefix}:`) ? items.findIndex((item) => item.id === decoded.slice(prefix.length + 1)) : -1;
    if (start < 0) return { error: { ok: false, error: "invalid_cursor" } };
  }
  const end = limit > 0 ? start + limit : items.length;
  const real = end < items.length ? Buffer.from(`${prefix}:${items[end].id}`).toString("base64") : "";
  return { slice: items.slice(start, end), next: nextToken(ctx.path, incoming, real) };
}

function limitOf(ctx, fallback) {
  const text = ctx.params.get("limit");
  if (text === null || text === "") return fallback;
  const limit = Number(text);
  return Number.isInteger(limit) && limit >= 0 ? Math.min(limit, 1000) || fallback : null;
}

function conversations(ctx) {
  const types = (ctx.params.get("types") || "public_channel").split(",").map((t) => t.trim());
  const known = {
    public_channel: (c) => !c.is_private && !c.is_im && !c.is_mpim,
    private_channel: (c) => c.is_private && !c.is_mpim,
    mpim: (c) => c.is_mpim,
    im: (c) => c.is_im,
  };
  if (types.some((type) => !known[type])) return { ok: false, error: "invalid_types" };
  const limit = limitOf(ctx, 100);
  if (limit === null) return { ok: false, error: "invalid_limit" };
  const excludeArchived = ["true", "1"].includes(ctx.params.get("exclude_archived"));
  const found = [...data.channels, ...data.mpims, ...data.ims].filter(
    (c) => types.some((type) => known[type](c)) && !(excludeArchived && c.is_archived),
  );
  const { slice, next, error } = page(ctx, found, "team", limit);
  return error ?? { ok: true, channels: slice, response_metadata: { next_cursor: next } };
}

function users(ctx) {
  const limit = limitOf(ctx, 0);
  if (limit === null) return { ok: false, error: "invalid_limit" };
  const { slice, next, error } = page(ctx, data.users, "user", limit);
  return error ?? { ok: true, members: slice, cache_ts: CREATED, response_metadata: { next_cursor: next } };
}

export const seed = { team: TEAM.id, user: ME, channels: data.channels.length, users: data.users.length };
