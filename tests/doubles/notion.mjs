// Notion's API (version 2022-06-28) under `/notion/v1`: `users/me` (the integration's bot),
// `search` (pages and databases shared with the integration, by title), `pages` (create in a
// database, its properties named by name or by id, as Notion takes them; the Tasks database's
// title property is "Task", its id "title" as every title property's), `blocks/{id}/children`
// (append, list; at most 100 blocks a request, 100 rich text items a block and 2000 characters
// an item, as Notion's request limits say). Every request needs a bearer and the `Notion-Version` header; errors are
// Notion's `{"object":"error","status","code","message"}` (400 validation_error, 404
// object_not_found, 401 unauthorized). Pages made are kept until reset.

import { sendJson } from "./common.mjs";
import { onReset } from "./control.mjs";

const VERSIONS = ["2021-08-16", "2022-02-22", "2022-06-28", "2025-09-03"];
const BOT = {
  object: "user",
  id: "9a3b7c1d-2e4f-4a6b-8c0d-1e2f3a4b5c6d",
  name: "Switchboard",
  avatar_url: null,
  type: "bot",
  bot: { owner: { type: "workspace", workspace: true }, workspace_name: "Ana's Notion" },
};
const TASKS_DB = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";
const ROADMAP = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const NOTES = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e";
const EDITED = "2026-02-27T10:15:00.000Z";

const state = { pages: [], blocks: new Map(), count: 0 };
onReset(() => {
  state.pages.length = 0;
  state.blocks.clear();
  state.count = 0;
});

const richText = (text) => [{ type: "text", text: { content: text, link: null }, annotations: {}, plain_text: text, href: null }];
const url = (title, id) => `https://www.notion.so/${title.replace(/[^A-Za-z0-9]+/g, "-")}-${id.replace(/-/g, "")}`;

function page(id, title, parent, property = "title") {
  return {
    object: "page",
    id,
    created_time: EDITED,
    last_edited_time: EDITED,
    archived: false,
    in_trash: false,
    parent,
    properties: { [property]: { id: "title", type: "title", title: richText(title) } },
    url: url(title, id),
    public_url: null,
  };
}

const DATABASE = {
  object: "database",
  id: TASKS_DB,
  created_time: EDITED,
  last_edited_time: EDITED,
  title: richText("Tasks"),
  description: [],
  properties: {
    Task: { id: "title", name: "Task", type: "title", title: {} },
    Status: { id: "s%3Bx", name: "Status", type: "select", select: { options: [] } },
  },
  parent: { type: "workspace", workspace: true },
  url: url("Tasks", TASKS_DB),
  archived: false,
  is_inline: false,
};
const SEEDED = [
  page(ROADMAP, "Roadmap 2026", { type: "workspace", workspace: true }),
  page(NOTES, "Meeting notes <script>alert('notion')</script>", { type: "page_id", page_id: ROADMAP }),
  page("c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f", "Fix the roadmap export", { type: "database_id", database_id: TASKS_DB }, "Task"),
];

const notionError = (status, code, message) => [status, { object: "error", status, code, message, request_id: "0f1e2d3c-4b5a-4697-8887-766554433221" }];
const invalid = (message) => notionError(400, "validation_error", message);

/** Notion's ids with their dashes, from either form; null when it is not one. */
function normalId(text) {
  const hex = (text ?? "").replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function unauthorized(ctx) {
  return sendJson(ctx.res, ...notionError(401, "unauthorized", "API token is invalid."));
}

export function defaultError(status) {
  if (status === 429) return notionError(429, "rate_limited", "You have been rate limited. Please try again in a few minutes.")[1];
  return notionError(status, status >= 500 ? "internal_server_error" : "invalid_request", `Error ${status}`)[1];
}

export function handle(ctx) {
  const send = (answer) => sendJson(ctx.res, ...answer);
  const version = ctx.req.headers["notion-version"];
  if (!version) {
    return send(notionError(400, "missing_version", "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`."));
  }
  if (!VERSIONS.includes(version)) return send(notionError(400, "validation_error", `Notion-Version header failed validation: ${version} is not a supported version.`));
  const path = ctx.path.slice("/notion/v1".length);
  let body = {};
  if (ctx.method === "POST" || ctx.method === "PATCH") {
    if (!(ctx.req.headers["content-type"] ?? "").startsWith("application/json")) return send(invalid("Content-Type must be application/json."));
    try {
      body = JSON.parse(ctx.body || "{}");
    } catch {
      return send(notionError(400, "invalid_json", "Error parsing JSON body."));
    }
  }
  if (ctx.method === "GET" && path === "/users/me") return send([200, BOT]);
  if (ctx.method === "POST" && path === "/search") return send(search(body));
  if (ctx.method === "POST" && path === "/pages") return send(createPage(body));
  const blocks = path.match(/^\/blocks\/([^/]+)\/children$/);
  if (blocks && ctx.method === "PATCH") return send(append(blocks[1], body));
  if (blocks && ctx.method === "GET") return send(children(blocks[1]));
  return send(notionError(400, "invalid_request_url", "Invalid request URL."));
}

function titleOf(item) {
  if (item.object === "database") return item.title.map((t) => t.plain_text).join("");
  const property = Object.values(item.properties).find((p) => p.type === "title");
  return property.title.map((t) => t.plain_text).join("");
}

function search(body) {
  const { query = "", filter, page_size: size = 100 } = body;
  if (typeof query !== "string") return invalid("body.query should be a string, instead was `" + JSON.stringify(query) + "`.");
  if (filter !== undefined && (filter.property !== "object" || !["page", "database"].includes(filter.value))) {
    return invalid('body.filter.value should be `"page"` or `"database"`, instead was `' + JSON.stringify(filter?.value) + "`.");
  }
  if (!Number.isInteger(size) || size < 1 || size > 100) return invalid("body.page_size should be a number between 1 and 100.");
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found = [DATABASE, ...SEEDED, ...state.pages]
    .filter((item) => !filter || item.object === filter.value)
    .filter((item) => words.every((word) => titleOf(item).toLowerCase().includes(word)));
  const results = found.slice(0, size);
  return [200, { object: "list", results, next_cursor: found.length > size ? "cursor-2" : null, has_more: found.length > size, type: "page_or_database", page_or_database: {} }];
}

/** Problems with a rich text array at `where`, or null. */
function richTextProblem(value, where) {
  if (!Array.isArray(value)) return `${where} should be an array, instead was \`${JSON.stringify(value)}\`.`;
  if (value.length > 100) return `${where}.length should be ≤ \`100\`, instead was \`${value.length}\`.`;
  for (const [i, item] of value.entries()) {
    const content = item?.text?.content;
    if (typeof content !== "string") return `${where}[${i}].text.content should be defined, instead was \`undefined\`.`;
    if (content.length > 2000) return `${where}[${i}].text.content.length should be ≤ \`2000\`, instead was \`${content.length}\`.`;
  }
  return null;
}

function blocksProblem(children, where) {
  if (!Array.isArray(children)) return `${where} should be an array.`;
  if (children.length > 100) return `${where}.length should be ≤ \`100\`, instead was \`${children.length}\`.`;
  for (const [i, block] of children.entries()) {
    if (block?.type !== "paragraph" || !block.paragraph) return `${where}[${i}].paragraph should be defined, instead was \`undefined\`.`;
    const problem = richTextProblem(block.paragraph.rich_text, `${where}[${i}].paragraph.rich_text`);
    if (problem) return problem;
  }
  return null;
}

function createPage(body) {
  const databaseId = normalId(body.parent?.database_id);
  if (!body.parent || (!databaseId && !body.parent.page_id)) return invalid("body.parent.database_id should be a valid uuid, instead was `" + JSON.stringify(body.parent?.database_id) + "`.");
  if (databaseId !== TASKS_DB) {
    return notionError(404, "object_not_found", `Could not find database with ID: ${databaseId}. Make sure the relevant pages and databases are shared with your integration.`);
  }
  const properties = body.properties ?? {};
  let titleKey;
  for (const key of Object.keys(properties)) {
    const property = Object.values(DATABASE.properties).find((p) => p.name === key || p.id === key);
    if (!property) return invalid(`${key} is not a property that exists.`);
    if (property.type === "title") titleKey = key;
  }
  const title = titleKey && properties[titleKey].title;
  if (!title) return invalid("Title is not provided");
  const problem = richTextProblem(title, `body.properties.${titleKey}.title`) ?? (body.children && blocksProblem(body.children, "body.children"));
  if (problem) return invalid(problem);
  state.count += 1;
  const id = `d4e5f6a7-b8c9-4d0e-8f1a-${String(state.count).padStart(12, "0")}`;
  const made = page(id, title.map((t) => t.text.content).join(""), { type: "database_id", database_id: TASKS_DB }, "Task");
  state.pages.push(made);
  state.blocks.set(id, body.children ?? []);
  return [200, made];
}

function known(id) {
  return [DATABASE, ...SEEDED, ...state.pages].find((item) => item.id === id && item.object === "page");
}

function append(rawId, body) {
  const id = normalId(rawId);
  if (!id) return invalid(`path failed validation: path.block_id should be a valid uuid, instead was \`"${rawId}"\`.`);
  if (!known(id)) return notionError(404, "object_not_found", `Could not find block with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`);
  const problem = blocksProblem(body.children, "body.children");
  if (problem) return invalid(problem);
  const made = body.children.map((block, i) => ({
    object: "block",
    id: `e5f6a7b8-c9d0-4e1f-8a2b-${String(state.count * 100 + i + 1).padStart(12, "0")}`,
    parent: { type: "page_id", page_id: id },
    created_time: EDITED,
    last_edited_time: EDITED,
    has_children: false,
    archived: false,
    in_trash: false,
    type: "paragraph",
    paragraph: { rich_text: block.paragraph.rich_text.map((t) => richText(t.text.content)[0]), color: "default" },
  }));
  state.count += 1;
  state.blocks.set(id, [...(state.blocks.get(id) ?? []), ...made]);
  return [200, { object: "list", results: made, next_cursor: null, has_more: false, type: "block", block: {} }];
}

function children(rawId) {
  const id = normalId(rawId);
  if (!id || !known(id)) return notionError(404, "object_not_found", `Could not find block with ID: ${rawId}.`);
  return [200, { object: "list", results: state.blocks.get(id) ?? [], next_cursor: null, has_more: false, type: "block", block: {} }];
}

export const seed = { bot: BOT.id, workspace: BOT.bot.workspace_name, tasksDatabase: TASKS_DB, roadmapPage: ROADMAP, notesPage: NOTES };
