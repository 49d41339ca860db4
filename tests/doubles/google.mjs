// Google's Drive v3 (files.list, drives.list), Calendar v3 (calendarList.list) and Sheets v4
// (spreadsheets.get), with Google's error bodies, partial responses and page tokens.
import { applyFields, boolParam, decodeToken, encodeToken, intParam, parseFields, sendJson } from "./common.mjs";
import { handleEvents } from "./calendar-events.mjs";
import { handleDriveWrites } from "./drive-writes.mjs";
import { handleGmail } from "./gmail.mjs";
import { handleValues } from "./sheets-values.mjs";
import { nextToken } from "./control.mjs";
import { matches, parseOrder, parseQuery } from "./drive-query.mjs";
import { CALENDARS, FOLDER, IDS, SPREADSHEET, seedDrive, tabsOf } from "./seed-google.mjs";

const drive = seedDrive();
drive.files.forEach((file, index) => {
  Object.defineProperty(file, "lowerName", { value: file.name.toLowerCase() });
  Object.defineProperty(file, "index", { value: index });
});
const driveIds = new Set(drive.drives.map((d) => d.id));
/** Sorted answers to recent queries, so paging through 10,000 files does not sort each page. */
const cache = new Map();

const FILE_FIELDS = new Set(
  ("kind id name mimeType description starred trashed explicitlyTrashed parents properties appProperties " +
    "spaces version webContentLink webViewLink iconLink hasThumbnail thumbnailLink viewedByMe viewedByMeTime " +
    "createdTime modifiedTime modifiedByMeTime modifiedByMe sharedWithMeTime sharingUser owners teamDriveId " +
    "driveId lastModifyingUser shared ownedByMe capabilities permissions permissionIds folderColorRgb " +
    "originalFilename fullFileExtension fileExtension md5Checksum size quotaBytesUsed headRevisionId " +
    "imageMediaMetadata videoMediaMetadata exportLinks shortcutDetails resourceKey labelInfo *").split(" "),
);

/** Google's JSON error (the Drive and Calendar flavour, with `errors`). */
export function googleError(code, message, reason, location, extra = {}) {
  const detail = { domain: extra.domain ?? "global", reason, message };
  if (location) Object.assign(detail, { locationType: extra.locationType ?? "parameter", location });
  const body = { error: { code, message, errors: [detail] } };
  if (extra.status) body.error.status = extra.status;
  return body;
}

const invalid = (location, message = "Invalid Value") => [400, googleError(400, message, "invalid", location)];

export function unauthorized(ctx, why) {
  const headers = { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' };
  const expected =
    "Expected OAuth 2 access token, login cookie or other valid authentication credential. " +
    "See https://developers.google.com/identity/sign-in/web/devconsole-project.";
  const message = why === "missing"
    ? `Request is missing required authentication credential. ${expected}`
    : `Request had invalid authentication credentials. ${expected}`;
  if (ctx.provider === "sheets") {
    return sendJson(ctx.res, 401, { error: { code: 401, message, status: "UNAUTHENTICATED" } }, headers);
  }
  const [detail, reason] = why === "missing" ? ["Login Required.", "required"] : ["Invalid Credentials", "authError"];
  const body = googleError(401, message, reason, "Authorization", { locationType: "header", status: "UNAUTHENTICATED" });
  body.error.errors[0].message = detail;
  return sendJson(ctx.res, 401, body, headers);
}

const STATUS = {
  400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
  503: "UNAVAILABLE",
};
const REASON = {
  400: "badRequest", 403: "forbidden", 404: "notFound", 429: "rateLimitExceeded", 500: "backendError", 503: "backendError",
};
const MESSAGE = { 429: "Rate Limit Exceeded", 500: "Internal Error", 503: "The service is currently unavailable." };

/** The body Google sends with `status` when a fault gives none. */
export function defaultError(status) {
  const message = MESSAGE[status] ?? `Error ${status}`;
  const domain = status === 429 ? "usageLimits" : "global";
  return googleError(status, message, REASON[status] ?? "unknown", undefined, { domain, status: STATUS[status] });
}

export function handle(ctx) {
  const { path } = ctx;
  if (path.startsWith("/google/gmail/")) return handleGmail(ctx, path.slice("/google".length));
  if (handleDriveWrites(ctx, path, (id) => drive.byId.get(id), (id) => driveIds.has(id))) return undefined;
  if (path.startsWith("/sheets/v4/spreadsheets")) {
    const isSpreadsheet = (id) => drive.byId.get(id)?.mimeType === SPREADSHEET;
    if (handleValues(ctx, path, isSpreadsheet)) return undefined;
  }
  if (path.startsWith("/google/calendar/v3/calendars/")) return handleEvents(ctx, path.slice("/google".length), CALENDARS);
  const route =
    path === "/google/drive/v3/files" ? filesList
    : path === "/google/drive/v3/drives" ? drivesList
    : path === "/google/calendar/v3/users/me/calendarList" ? calendarList
    : path.startsWith("/sheets/v4/spreadsheets/") ? spreadsheetGet
    : null;
  if (!route) {
    const body = ctx.provider === "sheets"
      ? { error: { code: 404, message: "Requested entity was not found.", status: "NOT_FOUND" } }
      : googleError(404, "Not Found", "notFound");
    return sendJson(ctx.res, 404, body);
  }
  if (ctx.method !== "GET") return sendJson(ctx.res, 405, defaultError(405));
  const [status, body] = route(ctx);
  return sendJson(ctx.res, status, body);
}

/** A `fields` mask or the default; an error answer when malformed. */
function mask(params, fallback, listName, allowed) {
  const text = params.get("fields");
  const tree = parseFields(text ?? fallback);
  const bad = () => invalid("fields", `Invalid field selection ${text}`);
  if (!tree) return { error: bad() };
  const sub = tree[listName];
  if (allowed && sub && sub !== true && Object.keys(sub).some((name) => !allowed.has(name))) return { error: bad() };
  return { tree };
}

function filesList({ params, path }) {
  const pageSize = intParam(params, "pageSize", 100);
  if (pageSize === null || pageSize < 1 || pageSize > 1000) {
    return invalid("pageSize", `Invalid value '${params.get("pageSize")}'. Values must be within the range: [1, 1000]`);
  }
  const corpora = params.get("corpora") ?? "user";
  if (!["user", "drive", "domain", "allDrives"].includes(corpora)) return invalid("corpora");
  const driveId = params.get("driveId");
  const allDrives = boolParam(params, "includeItemsFromAllDrives");
  if ((corpora === "drive") !== (driveId !== null)) {
    return invalid("driveId", "The driveId parameter must be specified if and only if corpora is set to drive.");
  }
  if (allDrives && !boolParam(params, "supportsAllDrives")) {
    const message =
      "The includeItemsFromAllDrives parameter can only be set to true when supportsAllDrives is also set to true.";
    return invalid("includeItemsFromAllDrives", message);
  }
  if ((corpora === "drive" || corpora === "allDrives") && !allDrives) {
    const message =
      "The includeItemsFromAllDrives parameter must be set to true when driveId is specified or corpora contains " +
      "drive or allDrives.";
    return [403, googleError(403, message, "invalid", "includeItemsFromAllDrives")];
  }
  if (driveId !== null && !driveIds.has(driveId)) {
    return [404, googleError(404, `Shared drive not found: ${driveId}`, "notFound", "driveId")];
  }
  const order = parseOrder(params.get("orderBy") ?? "folder,name");
  if (!order || params.get("orderBy") === "") return invalid("orderBy");
  const q = params.get("q") ?? "";
  const terms = q.trim() === "" ? [] : parseQuery(q);
  if (terms === null) return invalid("q");
  const resolve = (id) => (id === "root" ? IDS.root : id);
  for (const term of terms) {
    for (const { field, value } of term) {
      const id = field === "parents" && resolve(value);
      if (id && id !== IDS.root && !drive.byId.has(id) && !driveIds.has(id)) {
        return [404, googleError(404, `File not found: ${value}.`, "notFound", "fileId")];
      }
    }
  }
  const { tree, error } = mask(params, "kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)", "files", FILE_FIELDS);
  if (error) return error;

  const key = JSON.stringify([q, corpora, driveId, allDrives, params.get("orderBy")]);
  let found = cache.get(key);
  if (!found) {
    const parent = terms.find((term) => term.length === 1 && term[0].field === "parents");
    const pool = parent ? drive.children.get(resolve(parent[0].value)) ?? [] : drive.files;
    const inCorpus = (file) =>
      corpora === "drive" ? file.driveId === driveId : file.driveId === undefined || (corpora === "allDrives" && allDrives);
    found = pool.filter((file) => inCorpus(file) && terms.every((term) => term.some((c) => matches(file, c, resolve))));
    found.sort(order);
    cache.set(key, found);
    if (cache.size > 32) cache.delete(cache.keys().next().value);
  }
  const incoming = params.get("pageToken");
  const offset = incoming ? decodeToken(incoming, key) : 0;
  if (offset === null) return invalid("pageToken");
  const end = offset + pageSize;
  const next = nextToken(path, incoming, end < found.length ? encodeToken(end, key) : undefined);
  const page = found.slice(offset, end);
  const body = { kind: "drive#fileList", nextPageToken: next, incompleteSearch: false, files: page };
  return [200, applyFields(body, tree)];
}

function drivesList({ params, path }) {
  const pageSize = intParam(params, "pageSize", 10);
  if (pageSize === null || pageSize < 1 || pageSize > 100) {
    return invalid("pageSize", `Invalid value '${params.get("pageSize")}'. Values must be within the range: [1, 100]`);
  }
  if (params.has("q")) return invalid("q");
  const { tree, error } = mask(params, "kind,nextPageToken,drives(kind,id,name)", "drives");
  if (error) return error;
  const incoming = params.get("pageToken");
  const offset = incoming ? decodeToken(incoming, "drives") : 0;
  if (offset === null) return invalid("pageToken");
  const end = offset + pageSize;
  const next = nextToken(path, incoming, end < drive.drives.length ? encodeToken(end, "drives") : undefined);
  return [200, applyFields({ kind: "drive#driveList", nextPageToken: next, drives: drive.drives.slice(offset, end) }, tree)];
}

const ROLES = ["freeBusyReader", "reader", "writer", "owner"];

function calendarList({ params, path }) {
  const asked = intParam(params, "maxResults", 100);
  if (asked === null || asked < 1) return invalid("maxResults");
  const maxResults = Math.min(asked, 250);
  const minRole = params.get("minAccessRole");
  if (minRole !== null && !ROLES.includes(minRole)) return invalid("minAccessRole");
  const entries = CALENDARS.filter((c) => !minRole || ROLES.indexOf(c.accessRole) >= ROLES.indexOf(minRole));
  const key = `calendarList|${minRole}`;
  const incoming = params.get("pageToken");
  const offset = incoming ? decodeToken(incoming, key) : 0;
  if (offset === null) return invalid("pageToken", "Invalid page token value.");
  const end = offset + maxResults;
  const next = nextToken(path, incoming, end < entries.length ? encodeToken(end, key) : undefined);
  const body = {
    kind: "calendar#calendarList",
    etag: '"p32ofplf5q6gf20g"',
    nextPageToken: next,
    nextSyncToken: next ? undefined : "CPDAlvWDx70CEPDAlvWDx70CGAU=",
    items: entries.slice(offset, end),
  };
  const { tree, error } = mask(params, "*", "items");
  return error ?? [200, applyFields(body, tree)];
}

function spreadsheetGet({ path, params }) {
  const id = decodeURIComponent(path.slice("/sheets/v4/spreadsheets/".length));
  const file = drive.byId.get(id);
  if (!file || file.mimeType !== SPREADSHEET) {
    return [404, { error: { code: 404, message: "Requested entity was not found.", status: "NOT_FOUND" } }];
  }
  const body = {
    spreadsheetId: id,
    properties: { title: file.name, locale: "en_US", autoRecalc: "ON_CHANGE", timeZone: "Europe/Lisbon" },
    sheets: tabsOf(file),
    spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${id}/edit`,
  };
  const tree = params.has("fields") ? parseFields(params.get("fields")) : { "*": true };
  if (!tree) {
    return [400, { error: { code: 400, message: `Invalid field selection ${params.get("fields")}`, status: "INVALID_ARGUMENT" } }];
  }
  return [200, applyFields(body, tree)];
}

export const seed = { ...IDS, folderMime: FOLDER };
