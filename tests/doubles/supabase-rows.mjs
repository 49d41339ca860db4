// PostgREST's table endpoints for the Supabase double: GET `/rest/v1/{table}` with `select`,
// `column=operator.value` filters (eq, neq, gt, gte, lt, lte, like, ilike, is, in), `order` and
// `limit`; POST with a JSON object (or array) of columns, `Prefer: return=representation`
// answering the stored rows with 201. Unknown columns get PostgREST's own error bodies. Rows are
// kept in memory until reset.
import { sendJson } from "./common.mjs";
import { onReset } from "./control.mjs";

const SEED = {
  todos: [
    { id: 1, user_id: "8d0fd2b3-9ca7-4d9e-a95f-9e13dded323e", task: "Buy milk", is_complete: false, inserted_at: "2026-11-30T09:00:00+00:00" },
    { id: 2, user_id: "8d0fd2b3-9ca7-4d9e-a95f-9e13dded323e", task: "Write the Q3 report", is_complete: true, inserted_at: "2026-12-01T10:30:00+00:00" },
    { id: 3, user_id: "3f1c5e2a-0b6d-4e57-9a8c-1d2e3f4a5b6c", task: "Call Ana, about (budget)", is_complete: false, inserted_at: "2026-12-02T08:15:00+00:00" },
  ],
};
let rows = structuredClone(SEED);
onReset(() => {
  rows = structuredClone(SEED);
});

const error = (code, message, hint = null) => ({ code, details: null, hint, message });

/** Answers a table's rows or an insert; `columns` are the table's column names, `identity` its generated id. */
export function answerRows(ctx, table, columns, identity) {
  if (ctx.method === "GET") return select(ctx, table, columns);
  if (ctx.method === "POST") return insert(ctx, table, columns, identity);
  return sendJson(ctx.res, 405, error("PGRST105", "Method not allowed"));
}

function select(ctx, table, columns) {
  const unknown = (column) => sendJson(ctx.res, 400, error("42703", `column ${table}.${column} does not exist`));
  let found = [...(rows[table] ?? [])];
  for (const [key, raw] of new URL(ctx.req.url, "http://x").searchParams) {
    if (["select", "order", "limit", "offset", "apikey"].includes(key)) continue;
    if (!columns.includes(key)) return unknown(key);
    const test = condition(raw);
    if (!test) return sendJson(ctx.res, 400, error("PGRST100", `"failed to parse filter (${raw})" (line 1, column 1)`));
    found = found.filter((row) => test(row[key]));
  }
  const order = ctx.params.get("order");
  if (order) {
    const [column, direction = "asc"] = order.split(".");
    if (!columns.includes(column)) return unknown(column);
    const sign = direction === "desc" ? -1 : 1;
    found.sort((a, b) => (a[column] < b[column] ? -sign : a[column] > b[column] ? sign : 0));
  }
  found = found.slice(0, Number(ctx.params.get("limit") ?? found.length));
  const select = ctx.params.get("select");
  if (select && select !== "*") {
    const wanted = select.split(",");
    const missing = wanted.find((column) => !columns.includes(column));
    if (missing) return unknown(missing);
    found = found.map((row) => Object.fromEntries(wanted.map((column) => [column, row[column] ?? null])));
  }
  return sendJson(ctx.res, 200, found, { "content-range": `0-${Math.max(found.length - 1, 0)}/*` });
}

/** A filter's test, or null when PostgREST could not parse it. */
function condition(raw) {
  const dot = raw.indexOf(".");
  if (dot < 0) return null;
  const [operator, value] = [raw.slice(0, dot), raw.slice(dot + 1)];
  const same = (a, b) => String(a) === b;
  const pattern = (flags) => new RegExp(`^${value.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/[*%]/g, ".*")}$`, flags);
  switch (operator) {
    case "eq": return (cell) => same(cell, value);
    case "neq": return (cell) => !same(cell, value);
    case "gt": return (cell) => cell > coerce(value);
    case "gte": return (cell) => cell >= coerce(value);
    case "lt": return (cell) => cell < coerce(value);
    case "lte": return (cell) => cell <= coerce(value);
    case "like": return (cell) => pattern("").test(String(cell));
    case "ilike": return (cell) => pattern("i").test(String(cell));
    case "is": return (cell) => String(cell) === value;
    case "in": {
      const list = value.match(/^\((.*)\)$/)?.[1];
      if (list === undefined) return null;
      const items = [...list.matchAll(/"((?:[^"\\]|\\.)*)"|([^,]+)/g)].map((m) => (m[1] ?? m[2]).replace(/\\(.)/g, "$1"));
      return (cell) => items.includes(String(cell));
    }
    default: return null;
  }
}

const coerce = (value) => (value !== "" && !Number.isNaN(Number(value)) ? Number(value) : value);

function insert(ctx, table, columns, identity) {
  if (!(ctx.req.headers["content-type"] ?? "").includes("application/json")) {
    return sendJson(ctx.res, 415, error("PGRST107", "None of these media types are available: text/plain"));
  }
  let body;
  try {
    body = JSON.parse(ctx.body);
  } catch {
    return sendJson(ctx.res, 400, error("PGRST102", "Empty or invalid json"));
  }
  const incoming = Array.isArray(body) ? body : [body];
  for (const row of incoming) {
    const missing = Object.keys(row).find((column) => !columns.includes(column));
    if (missing) return sendJson(ctx.res, 400, error("PGRST204", `Could not find the '${missing}' column of '${table}' in the schema cache`));
  }
  rows[table] ??= [];
  const stored = incoming.map((row) => {
    const full = { ...row };
    if (identity && full[identity] === undefined) full[identity] = Math.max(0, ...rows[table].map((r) => r[identity] ?? 0)) + 1;
    rows[table].push(full);
    return full;
  });
  const representation = (ctx.req.headers.prefer ?? "").includes("return=representation");
  return representation ? sendJson(ctx.res, 201, stored) : sendJson(ctx.res, 201, undefined);
}
