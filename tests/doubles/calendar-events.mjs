// Calendar API v3 events for what actions do: list (timeMin/timeMax required as RFC 3339 with an
// offset when given, `orderBy=startTime` only with `singleEvents=true`, `q`), insert, patch and
// delete, with Calendar's own checks (a start and an end, each a date or a date-time and not both,
// both dates or both date-times, a date-time without an offset needs a timeZone) and its
// 400/404/410 bodies. A patch merges into the event as Google's patch semantics say (a nested
// object's fields merged, a null clearing one), so moving an all-day event to a time must clear
// its date. Kept until reset.
import { sendJson } from "./common.mjs";
import { onReset } from "./control.mjs";

const SEED = {
  "ana@example.com": [
    { id: "evstandup1207", summary: "Standup", start: { dateTime: "2026-12-07T09:30:00Z" }, end: { dateTime: "2026-12-07T09:45:00Z" } },
    { id: "evreview1208", summary: "Q3 review <b>with finance</b>", start: { dateTime: "2026-12-08T14:00:00Z" }, end: { dateTime: "2026-12-08T15:00:00Z" } },
    { id: "evholiday1225", summary: "Christmas", start: { date: "2026-12-25" }, end: { date: "2026-12-26" } },
  ],
};
let events = structuredClone(SEED);
const deleted = new Set();
let next = 100;
onReset(() => {
  events = structuredClone(SEED);
  deleted.clear();
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const error = (code, message, reason) => ({ error: { code, message, errors: [{ domain: "global", reason, message }] } });

/** Answers `/calendar/v3/calendars/{id}/events[/{eventId}]` (404 for other paths under a calendar). */
export function handleEvents(ctx, path, calendars) {
  const send = (status, body) => sendJson(ctx.res, status, body);
  const match = path.match(/^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/);
  if (!match) return send(404, error(404, "Not Found", "notFound"));
  let id = decodeURIComponent(match[1]);
  if (id === "primary") id = calendars.find((calendar) => calendar.primary).id;
  if (!calendars.some((calendar) => calendar.id === id)) return send(404, error(404, "Not Found", "notFound"));
  const list = (events[id] ??= []);
  const eventId = match[2] && decodeURIComponent(match[2]);
  if (!eventId && ctx.method === "GET") return listEvents(ctx, id, list, send);
  if (!eventId && ctx.method === "POST") return insert(ctx, id, list, send);
  const index = list.findIndex((event) => event.id === eventId);
  if (index < 0) return deleted.has(eventId) ? send(410, error(410, "Resource has been deleted", "deleted")) : send(404, error(404, "Not Found", "notFound"));
  if (ctx.method === "PATCH") {
    const body = parse(ctx);
    if (!body) return send(400, error(400, "Parse Error", "parseError"));
    const merged = patched(list[index], body);
    const problem = checkTimes(merged);
    if (problem) return send(400, error(400, problem, "invalid"));
    list[index] = merged;
    return send(200, withLink(id, merged));
  }
  if (ctx.method === "DELETE") {
    list.splice(index, 1);
    deleted.add(eventId);
    return send(204, undefined);
  }
  return send(405, error(405, "Method Not Allowed", "methodNotAllowed"));
}

function parse(ctx) {
  if (!(ctx.req.headers["content-type"] ?? "").includes("application/json")) return null;
  try {
    return JSON.parse(ctx.body);
  } catch {
    return null;
  }
}

/** `body` merged into `resource`: objects field by field, a null removes the field. */
function patched(resource, body) {
  const merged = { ...resource };
  for (const [key, value] of Object.entries(body)) {
    if (value === null) delete merged[key];
    else if (typeof value === "object" && !Array.isArray(value) && typeof merged[key] === "object") merged[key] = patched(merged[key], value);
    else merged[key] = value;
  }
  return merged;
}

/** Calendar's complaint about an event's start and end, or null. */
function checkTimes(event) {
  for (const edge of ["start", "end"]) {
    const at = event[edge];
    if (!at || (!at.date && !at.dateTime)) return `Missing ${edge} time.`;
    if (at.date && at.dateTime) return `Invalid ${edge} time.`;
    if (at.dateTime && !RFC3339.test(at.dateTime) && !at.timeZone) return `Missing time zone definition for ${edge} time.`;
  }
  if (Boolean(event.start.date) !== Boolean(event.end.date)) return "Start and end times must either both be date or both be dateTime.";
  return null;
}

function withLink(calendar, event) {
  return { kind: "calendar#event", ...event, htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${event.id} ${calendar}`).toString("base64url")}`, organizer: { email: calendar } };
}

function listEvents(ctx, calendar, list, send) {
  const { params } = ctx;
  for (const name of ["timeMin", "timeMax"]) {
    const value = params.get(name);
    if (value !== null && !RFC3339.test(value)) return send(400, error(400, `Bad Request: ${name}`, "badRequest"));
  }
  if (params.get("orderBy") === "startTime" && params.get("singleEvents") !== "true") {
    return send(400, error(400, "The requested ordering is not available for the particular query.", "badRequest"));
  }
  const start = (event) => event.start.dateTime ?? `${event.start.date}T00:00:00Z`;
  const q = (params.get("q") ?? "").toLowerCase();
  const found = list
    .filter((event) => !params.get("timeMin") || start(event) >= params.get("timeMin"))
    .filter((event) => !params.get("timeMax") || start(event) < params.get("timeMax"))
    .filter((event) => !q || (event.summary ?? "").toLowerCase().includes(q))
    .sort((a, b) => (start(a) < start(b) ? -1 : 1))
    .slice(0, Number(params.get("maxResults") ?? 250));
  return send(200, { kind: "calendar#events", summary: calendar, items: found.map((event) => withLink(calendar, event)) });
}

function insert(ctx, calendar, list, send) {
  const body = parse(ctx);
  if (!body) return send(400, error(400, "Parse Error", "parseError"));
  const problem = checkTimes(body);
  if (problem) return send(400, error(400, problem, "invalid"));
  if (body.attendees && !body.attendees.every((attendee) => /^[^@\s]+@[^@\s]+$/.test(attendee.email ?? ""))) {
    return send(400, error(400, "Invalid attendee email.", "invalid"));
  }
  const event = { ...body, id: `evnew${(next += 1)}`, status: "confirmed" };
  list.push(event);
  return send(200, withLink(calendar, event));
}
