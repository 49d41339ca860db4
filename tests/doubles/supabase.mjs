// A Supabase project's REST API (PostgREST behind Supabase's gateway): `/rest/v1/` answers the
// OpenAPI (Swagger 2.0) document PostgREST generates for six tables, two views and one
// function. The gateway wants an `apikey` header (or url param); a bearer is optional.
import { sendJson } from "./common.mjs";
import { answerRows } from "./supabase-rows.mjs";

// Columns: "name type [pk] [fk=table.column] [null] [identity] [default=expression]".
const TABLES = {
  profiles: [
    "Public profile for each user",
    "id uuid pk", "username text", "full_name text null", "avatar_url text null",
    "updated_at timestamptz default=now()",
  ],
  projects: [
    "All projects <b>owned</b> by a team <img src=x onerror=alert('supabase')>",
    "id bigint pk identity", "name text", "owner_id uuid fk=profiles.id", "settings jsonb null",
    "created_at timestamptz default=now()",
  ],
  todos: [
    null,
    "id bigint pk identity", "user_id uuid fk=profiles.id", "task text null", "is_complete boolean default=false",
    "inserted_at timestamptz default=timezone('utc'::text,now())",
  ],
  tasks: [
    null,
    "id bigint pk identity", "project_id bigint fk=projects.id", "title varchar", "priority integer default=3",
    "due_on date null",
  ],
  invoices: [
    "Invoices sent to customers",
    "id uuid pk default=gen_random_uuid()", "project_id bigint fk=projects.id", "amount numeric",
    "currency text default='EUR'::text", "paid boolean default=false",
  ],
  comments: [
    null,
    "id bigint pk identity", "todo_id bigint fk=todos.id", "author_id uuid fk=profiles.id", "body text",
    "created_at timestamptz default=now()",
  ],
};
const VIEWS = {
  order_totals: ["Totals per project", "project_id bigint null", "total numeric null", "invoices bigint null"],
  active_projects: [null, "id bigint null", "name text null", "owner_id uuid null"],
};
const FORMATS = { timestamptz: "timestamp with time zone", varchar: "character varying" };
const JSON_TYPES = { bigint: "integer", integer: "integer", numeric: "number", boolean: "boolean", jsonb: null };

/** A table's comment and columns from the notation above. */
function columnsOf([comment, ...specs]) {
  const columns = specs.map((spec) => {
    const [name, type, ...flags] = spec.split(" ");
    const flag = (key) => flags.find((f) => f === key || f.startsWith(`${key}=`))?.split("=").slice(1).join("=");
    const format = FORMATS[type] ?? type;
    return {
      name,
      format,
      type: type in JSON_TYPES ? JSON_TYPES[type] : "string",
      pk: flags.includes("pk"),
      fk: flag("fk"),
      nullable: flags.includes("null"),
      default: flag("default"),
    };
  });
  return { comment, columns };
}

const PAGING = "Limiting and Pagination";
const PARAMETERS = {
  preferParams: prefer(["params=single-object"]),
  preferReturn: prefer(["return=representation", "return=minimal", "return=none"]),
  preferCount: prefer(["count=none"]),
  preferPost: prefer([
    "return=representation", "return=minimal", "return=none", "resolution=ignore-duplicates", "resolution=merge-duplicates",
  ]),
  select: param("select", "Filtering Columns", "query"),
  on_conflict: param("on_conflict", "On Conflict", "query"),
  order: param("order", "Ordering", "query"),
  range: param("Range", PAGING, "header"),
  rangeUnit: { ...param("Range-Unit", PAGING, "header"), default: "items" },
  offset: param("offset", PAGING, "query"),
  limit: param("limit", PAGING, "query"),
};

function prefer(values) {
  return { ...param("Prefer", "Preference", "header"), enum: values };
}

function param(name, description, place) {
  return { name, description, required: false, in: place, type: "string" };
}

const ref = (name) => ({ $ref: `#/parameters/${name}` });

/** One operation of a path: `responses` maps a status to its description. */
function operation(about, parameters, responses, tags) {
  const shown = {};
  for (const [code, what] of Object.entries(responses)) shown[code] = typeof what === "string" ? { description: what } : what;
  return { ...about, parameters, responses: shown, tags };
}

/** A default as PostgREST shows it: booleans and numbers as JSON, expressions as text. */
function literal(text) {
  if (text === "true" || text === "false") return text === "true";
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function definition({ comment, columns }) {
  const properties = {};
  const required = [];
  for (const column of columns) {
    const notes = [];
    if (column.pk) notes.push("This is a Primary Key.<pk/>");
    if (column.fk) {
      const [table, target] = column.fk.split(".");
      notes.push(`This is a Foreign Key to \`${column.fk}\`.<fk table='${table}' column='${target}'/>`);
    }
    const property = {};
    if (column.default !== undefined) property.default = literal(column.default);
    if (notes.length) property.description = `Note:\n${notes.join("\n")}`;
    property.format = column.format;
    if (column.type) property.type = column.type;
    properties[column.name] = property;
    // As PostgREST does: NOT NULL and no default; an identity column has none, so it counts.
    if (!column.nullable && column.default === undefined) required.push(column.name);
  }
  const out = {};
  if (comment) out.description = comment;
  if (required.length) out.required = required;
  return { ...out, properties, type: "object" };
}

const MEDIA = ["application/json", "application/vnd.pgrst.object+json;nulls=stripped", "application/vnd.pgrst.object+json"];

function document(host) {
  const paths = {
    "/": {
      get: {
        produces: ["application/openapi+json", "application/json"],
        responses: { 200: { description: "OK" } },
        summary: "OpenAPI description (this document)",
        tags: ["Introspection"],
      },
    },
  };
  const definitions = {};
  const parameters = { ...PARAMETERS };
  const entries = [
    ...Object.entries(TABLES).map(([name, spec]) => [name, columnsOf(spec), true]),
    ...Object.entries(VIEWS).map(([name, spec]) => [name, columnsOf(spec), false]),
  ];
  for (const [name, table, writable] of entries) {
    definitions[name] = definition(table);
    const row = { $ref: `#/definitions/${name}` };
    parameters[`body.${name}`] = { name, description: name, required: false, in: "body", schema: row };
    const filters = table.columns.map(({ name: column, format }) => {
      const id = `rowFilter.${name}.${column}`;
      parameters[id] = { name: column, required: false, format, in: "query", type: "string" };
      return ref(id);
    });
    const about = table.comment ? { description: table.comment, summary: table.comment } : {};
    const reading = ["select", "order", "range", "rangeUnit", "offset", "limit", "preferCount"].map(ref);
    const ok = { description: "OK", schema: { items: row, type: "array" } };
    const path = { get: operation(about, [...filters, ...reading], { 200: ok, 206: "Partial Content" }, [name]) };
    if (writable) {
      const body = ref(`body.${name}`);
      path.post = operation(about, [body, ref("select"), ref("preferPost")], { 201: "Created" }, [name]);
      path.delete = operation(about, [...filters, ref("preferReturn")], { 204: "No Content" }, [name]);
      path.patch = operation(about, [...filters, body, ref("preferReturn")], { 204: "No Content" }, [name]);
    }
    paths[`/${name}`] = path;
  }
  const text = { format: "text", type: "string" };
  const args = { properties: { query: text }, required: ["query"], type: "object" };
  const rpc = ["(rpc) search_todos"];
  paths["/rpc/search_todos"] = {
    get: operation({}, [{ ...text, in: "query", name: "query", required: true }], { 200: "OK" }, rpc),
    post: {
      ...operation({}, [{ in: "body", name: "args", required: true, schema: args }, ref("preferParams")], { 200: "OK" }, rpc),
      produces: MEDIA,
    },
  };
  return {
    swagger: "2.0",
    info: { description: "", title: "standard public schema", version: "12.2.3 (519615d)" },
    host,
    basePath: "/",
    schemes: ["http"],
    consumes: [...MEDIA, "text/csv"],
    produces: [...MEDIA, "text/csv"],
    paths,
    definitions,
    parameters,
    externalDocs: { description: "PostgREST Documentation", url: "https://postgrest.org/en/v12/references/api.html" },
  };
}

/** The key the gateway reads: the `apikey` header, else the `apikey` url param. */
export function tokenOf(ctx) {
  return ctx.req.headers.apikey || ctx.params.get("apikey") || null;
}

export function unauthorized(ctx, why) {
  const body = why === "missing"
    ? { message: "No API key found in request", hint: "No `apikey` request header or url param was found." }
    : { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." };
  return sendJson(ctx.res, 401, body);
}

export function defaultError(status) {
  const message = status === 429 ? "Too Many Requests" : `Error ${status}`;
  return { code: `PGRST${status}`, details: null, hint: null, message };
}

export function handle(ctx) {
  const path = ctx.path.slice("/supabase".length);
  if (path === "/rest/v1/" || path === "/rest/v1") {
    const text = JSON.stringify(document(ctx.req.headers.host ?? "127.0.0.1"));
    const type = "application/openapi+json; charset=utf-8";
    ctx.res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(text) });
    return ctx.res.end(text);
  }
  const table = path.match(/^\/rest\/v1\/([^/]+)$/)?.[1];
  const spec = table && (TABLES[table] ?? VIEWS[table]);
  if (spec && (ctx.method === "GET" || (ctx.method === "POST" && TABLES[table]))) {
    const { columns } = columnsOf(spec);
    const identity = columns.find((column) => column.pk)?.name;
    return answerRows(ctx, table, columns.map((column) => column.name), identity);
  }
  const missing = table ? `public.${decodeURIComponent(table)}` : path;
  const message = `Could not find the table '${missing}' in the schema cache`;
  return sendJson(ctx.res, 404, { code: "PGRST205", details: null, hint: null, message });
}

export const seed = { tables: Object.keys(TABLES), views: Object.keys(VIEWS) };
