// Confluence on Atlassian's gateway (`/ex/confluence/{cloudId}/wiki/...`) for what actions do:
// REST v1 `wiki/rest/api/search` (a CQL subset: `type=page AND text ~ "…" [AND space = "KEY"]`)
// and v2 `wiki/api/v2/pages` (create, the storage format checked as well formed), with
// Confluence's error bodies. Pages made are kept until reset.
import { onReset } from "./control.mjs";
import { textMatches } from "./jql.mjs";

const state = { pages: [], nextId: 1 };
onReset(() => {
  state.pages.length = 0;
  state.nextId = 1;
});

function jsonBody(ctx) {
  if (!(ctx.req.headers["content-type"] ?? "").startsWith("application/json")) return { unsupported: true };
  try {
    const value = JSON.parse(ctx.body || "");
    return value && typeof value === "object" && !Array.isArray(value) ? { value } : { invalid: true };
  } catch {
    return { invalid: true };
  }
}

const SPACES = [
  { id: 98306, key: "ENG", name: "Engineering", homepageId: "65537" },
  { id: 131074, key: "TEAM", name: "Team <b>space</b>", homepageId: "65601" },
];
const PAGES = [
  ["65537", 98306, "Engineering home", "Welcome to engineering. Release process and on-call."],
  ["65540", 98306, "Release process", "How we release: freeze, test, ship. Release notes go here."],
  ["65544", 98306, "<img src=x onerror=alert('confluence')> notes", "Markup in a title."],
  ["65601", 131074, "Team home", "Who is who, and the release calendar."],
];

function pagesOf(site) {
  const seeded = PAGES.map(([id, spaceId, title, text]) => ({ id, spaceId, title, text, site: site.id }));
  return seeded.concat(state.pages.filter((page) => page.site === site.id));
}

function webui(page) {
  const space = SPACES.find((s) => s.id === Number(page.spaceId));
  return `/spaces/${space.key}/pages/${page.id}/${encodeURIComponent(page.title).replace(/%20/g, "+")}`;
}

const confluenceError = (statusCode, message) => ({ statusCode, data: { authorized: true, valid: false, errors: [], successful: false }, message });
const v2Error = (status, code, title) => ({ errors: [{ status, code, title, detail: null }] });

/** Answers Confluence under `/wiki` (`rest`), or undefined when it is not a route here. */
export function handleConfluence(ctx, site, rest) {
  if (ctx.method === "GET" && rest === "/wiki/rest/api/search") return search(ctx, site);
  if (rest === "/wiki/api/v2/pages" && ctx.method === "POST") return createPage(ctx, site);
  return undefined;
}

function parseCql(cql) {
  const clause = /^\s*type\s*=\s*"?page"?\s+AND\s+text\s*~\s*"((?:[^"\\]|\\.)*)"(?:\s+AND\s+space\s*=\s*"((?:[^"\\]|\\.)*)")?\s*$/i;
  const match = cql.match(clause);
  if (!match) return null;
  const unescape = (text) => text?.replace(/\\(.)/g, "$1");
  return { text: unescape(match[1]), space: unescape(match[2]) };
}

function search(ctx, site) {
  const cql = ctx.params.get("cql") ?? "";
  const query = parseCql(cql);
  if (!query) return [400, confluenceError(400, `com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not parse cql : ${cql}`)];
  const limit = Math.min(Math.max(Number(ctx.params.get("limit") ?? 25) || 25, 1), 100);
  const words = query.text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const space = query.space && SPACES.find((s) => s.key === query.space);
  if (query.space && !space) return [200, { results: [], start: 0, limit, size: 0, totalSize: 0, cqlQuery: cql, _links: links(site) }];
  const expandSpace = (ctx.params.get("expand") ?? "").split(",").includes("content.space");
  const found = pagesOf(site)
    .filter((page) => !space || Number(page.spaceId) === space.id)
    .filter((page) => textMatches(`${page.title} ${page.text}`, words));
  const results = found.slice(0, limit).map((page) => {
    const owner = SPACES.find((s) => s.id === Number(page.spaceId));
    const content = { id: page.id, type: "page", status: "current", title: page.title, _links: { webui: webui(page), self: `${site.url}/wiki/rest/api/content/${page.id}` } };
    if (expandSpace) content.space = { id: owner.id, key: owner.key, name: owner.name, type: "global", status: "current" };
    return {
      content,
      title: page.title.replace(new RegExp(`(${words.join("|")})`, "ig"), "@@@hl@@@$1@@@endhl@@@"),
      excerpt: page.text.slice(0, 200),
      url: webui(page),
      resultGlobalContainer: { title: owner.name, displayUrl: `/spaces/${owner.key}` },
      entityType: "content",
      lastModified: "2026-02-27T10:15:30.000Z",
    };
  });
  return [200, { results, start: 0, limit, size: results.length, totalSize: found.length, cqlQuery: cql, _links: links(site) }];
}

function links(site) {
  return { base: `${site.url}/wiki`, context: "/wiki" };
}

/** Storage format as Confluence checks it: well-formed XHTML (tags closed, entities whole). */
function wellFormed(xhtml) {
  const open = [];
  const text = xhtml.replace(/<(\/?)([a-z][a-z0-9]*)([^<>]*?)(\/?)>/gi, (_, close, name, _attrs, self) => {
    if (self) return "";
    if (close) {
      if (open.pop() !== name) open.push("!");
    } else open.push(name);
    return "";
  });
  return open.length === 0 && !/[<>]/.test(text) && !/&(?!(amp|lt|gt|quot|#\d+);)/.test(text);
}

function createPage(ctx, site) {
  const body = jsonBody(ctx);
  if (body.unsupported) return [415, v2Error(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type")];
  if (body.invalid) return [400, v2Error(400, "INVALID_REQUEST_PARAMETER", "The body is not valid JSON")];
  const page = body.value;
  const space = SPACES.find((s) => String(s.id) === String(page.spaceId));
  if (!space) return [400, v2Error(400, "INVALID_REQUEST_PARAMETER", `Provided value {${page.spaceId}} for 'spaceId' is not the correct type. Expected type is SpaceId`)];
  if (typeof page.title !== "string" || page.title.trim() === "") return [400, v2Error(400, "INVALID_REQUEST_PARAMETER", "Title is required")];
  if (pagesOf(site).some((p) => Number(p.spaceId) === space.id && p.title === page.title)) {
    return [400, v2Error(400, "INVALID_REQUEST_PARAMETER", "A page with this title already exists: A page already exists with the same TITLE in this space")];
  }
  if (page.status !== undefined && !["current", "draft"].includes(page.status)) return [400, v2Error(400, "INVALID_REQUEST_PARAMETER", "status is invalid")];
  const { representation, value } = page.body ?? {};
  if (!["storage", "atlas_doc_format", "wiki"].includes(representation) || typeof value !== "string") {
    return [400, v2Error(400, "INVALID_REQUEST_PARAMETER", "body.representation must be one of storage, atlas_doc_format, wiki")];
  }
  if (representation === "storage" && !wellFormed(value)) {
    return [400, v2Error(400, "INVALID_MESSAGE", "Error parsing xhtml: Unexpected character in the storage format")];
  }
  const parent = page.parentId ?? space.homepageId;
  if (!pagesOf(site).some((p) => p.id === String(parent))) return [400, v2Error(400, "INVALID_REQUEST_PARAMETER", `Parent page ${parent} not found`)];
  const id = String(700000 + state.nextId++);
  const made = { id, spaceId: String(space.id), title: page.title, text: value.replace(/<[^>]+>/g, " "), site: site.id };
  state.pages.push(made);
  return [
    200,
    {
      id,
      status: page.status ?? "current",
      title: page.title,
      spaceId: String(space.id),
      parentId: String(parent),
      parentType: "page",
      authorId: "712020:8f3c1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b",
      createdAt: new Date().toISOString(),
      version: { number: 1, message: "", minorEdit: false, authorId: "712020:8f3c1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b" },
      body: { storage: { representation, value } },
      _links: { webui: webui(made), editui: `/pages/resumedraft.action?draftId=${id}`, tinyui: `/x/${id}`, base: `${site.url}/wiki` },
    },
  ];
}
