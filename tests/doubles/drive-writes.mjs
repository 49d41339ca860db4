// Drive API v3 for what actions do: files.get by id (with `fields`), a multipart upload
// (`upload/drive/v3/files?uploadType=multipart`, a multipart/related body of JSON metadata then
// the media), a folder created with JSON metadata, permissions.create and files.update
// `{"trashed": true}`, with Drive's 400/404 bodies. A shared drive's file (or a shared drive as a
// parent) is found only with `supportsAllDrives=true`, as Drive documents: without it, 404 File
// not found. What is made is kept beside the seed (which listings read unchanged) until reset.
import { sendJson } from "./common.mjs";
import { onReset } from "./control.mjs";

const FOLDER = "application/vnd.google-apps.folder";
const ROLES = ["owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"];
const state = { files: new Map(), trashed: new Set(), next: 0 };
onReset(() => {
  state.files.clear();
  state.trashed.clear();
});

const error = (code, message, reason, location) => ({ error: { code, message, errors: [{ domain: "global", reason, message, ...(location ? { locationType: "parameter", location } : {}) }] } });
const notFound = (id) => error(404, `File not found: ${id}.`, "notFound", "fileId");

function made(name, mimeType, parents, driveId, size) {
  const id = `1Made${String((state.next += 1)).padStart(6, "0")}`;
  const link = mimeType === FOLDER ? `https://drive.google.com/drive/folders/${id}` : `https://drive.google.com/file/d/${id}/view`;
  const file = { kind: "drive#file", id, name, mimeType, parents, trashed: false, modifiedTime: new Date(0).toISOString(), webViewLink: link, ...(driveId ? { driveId } : {}), ...(size === undefined ? {} : { size: String(size) }) };
  state.files.set(id, file);
  return file;
}

/** Only the asked fields (a flat `fields=a,b,c`; anything else answers the whole file). */
function pick(file, fields) {
  if (!fields || /[()]/.test(fields)) return file;
  return Object.fromEntries(fields.split(",").filter((field) => field in file).map((field) => [field, file[field]]));
}

/** The parts of a multipart/related body: each its headers and content. */
function parts(body, contentType) {
  const boundary = contentType.match(/boundary=("?)([^";]+)\1/)?.[2];
  if (!boundary) return null;
  const chunks = body.split(`--${boundary}`);
  if (!chunks.at(-1).startsWith("--")) return null;
  return chunks.slice(1, -1).map((chunk) => {
    const [head, ...rest] = chunk.replace(/^\r\n/, "").split("\r\n\r\n");
    const headers = Object.fromEntries(head.split("\r\n").map((line) => line.split(/:\s*/, 2)).map(([n, v]) => [n.toLowerCase(), v]));
    return { headers, content: rest.join("\r\n\r\n").replace(/\r\n$/, "") };
  });
}

/**
 * Answers Drive writes and files.get (`seeded` finds a seeded file by id, `isDrive` says whether
 * an id is a shared drive's); undefined for other paths.
 */
export function handleDriveWrites(ctx, path, seeded, isDrive) {
  const send = (status, body) => {
    sendJson(ctx.res, status, body);
    return true;
  };
  const allDrives = ctx.params.get("supportsAllDrives") === "true";
  const find = (id) => {
    const file = state.files.get(id) ?? seeded(id);
    if (!file || (file.driveId && !allDrives)) return null;
    return { ...file, trashed: file.trashed || state.trashed.has(id) };
  };
  /** The shared drive a new file's parents put it in (undefined: My Drive), or null if one is not found. */
  const driveOf = (parents) => {
    const found = parents.map((parent) => (parent === "0AAnaMyDriveRoot" ? {} : allDrives && isDrive(parent) ? { driveId: parent } : find(parent)));
    return found.every(Boolean) ? found[0].driveId : null;
  };
  const fields = ctx.params.get("fields");
  if (path === "/google/upload/drive/v3/files" && ctx.method === "POST") {
    if (ctx.params.get("uploadType") !== "multipart") return send(400, error(400, "Invalid uploadType", "invalid", "uploadType"));
    const found = parts(ctx.body ?? "", ctx.req.headers["content-type"] ?? "");
    if (!found || found.length !== 2 || !found[0].headers["content-type"]?.startsWith("application/json")) {
      return send(400, error(400, "Bad multipart body: metadata then media expected", "badContent"));
    }
    let metadata;
    try {
      metadata = JSON.parse(found[0].content);
    } catch {
      return send(400, error(400, "Invalid metadata", "parseError"));
    }
    const parents = metadata.parents ?? ["0AAnaMyDriveRoot"];
    const driveId = driveOf(parents);
    if (driveId === null) return send(404, notFound(parents[0]));
    const mime = found[1].headers["content-type"] ?? "application/octet-stream";
    return send(200, pick(made(metadata.name ?? "Untitled", mime, parents, driveId, Buffer.byteLength(found[1].content)), fields));
  }
  if (path === "/google/drive/v3/files" && ctx.method === "POST") {
    let body;
    try {
      body = JSON.parse(ctx.body);
    } catch {
      return send(400, error(400, "Invalid JSON", "parseError"));
    }
    const parents = body.parents ?? ["0AAnaMyDriveRoot"];
    const driveId = driveOf(parents);
    if (driveId === null) return send(404, notFound(parents[0]));
    return send(200, pick(made(body.name ?? "Untitled", body.mimeType ?? "application/octet-stream", parents, driveId), fields));
  }
  const permission = path.match(/^\/google\/drive\/v3\/files\/([^/]+)\/permissions$/)?.[1];
  if (permission && ctx.method === "POST") {
    if (!find(permission)) return send(404, notFound(permission));
    let body;
    try {
      body = JSON.parse(ctx.body);
    } catch {
      return send(400, error(400, "Invalid JSON", "parseError"));
    }
    if (!ROLES.includes(body.role)) return send(400, error(400, "The provided role is invalid.", "invalid", "permission.role"));
    if (body.type === "user" && !/^[^@\s]+@[^@\s]+$/.test(body.emailAddress ?? "")) {
      return send(400, error(400, "The permission requires an email address.", "required", "permission.emailAddress"));
    }
    return send(200, { kind: "drive#permission", id: `0${String(state.next++).padStart(19, "7")}`, type: body.type, role: body.role });
  }
  const one = path.match(/^\/google\/drive\/v3\/files\/([^/]+)$/)?.[1];
  if (!one) return undefined;
  const file = find(one);
  if (!file) return send(404, notFound(one));
  if (ctx.method === "GET") return send(200, pick(file, fields));
  if (ctx.method === "PATCH") {
    let body;
    try {
      body = JSON.parse(ctx.body);
    } catch {
      return send(400, error(400, "Invalid JSON", "parseError"));
    }
    if (body.trashed === true) state.trashed.add(one);
    return send(200, pick({ ...file, trashed: state.trashed.has(one) }, fields));
  }
  return undefined;
}
