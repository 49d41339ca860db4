// Helpers every provider double shares: a seeded random generator, stable hashes, opaque
// page tokens, Google's partial-response `fields` masks, and writing JSON answers.
import crypto from "node:crypto";

/** A deterministic generator (mulberry32): the same seed gives the same data every start. */
export function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (below) => Math.floor(next() * below);
  next.pick = (list) => list[next.int(list.length)];
  next.chance = (p) => next() < p;
  return next;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A Drive-like id: letters, digits, `-` and `_`. */
export function opaqueId(rand, first = "1", length = 33) {
  const chars = [first];
  for (let i = first.length; i < length; i += 1) chars.push(ID_ALPHABET[rand.int(ID_ALPHABET.length)]);
  return chars.join("");
}

/** 40 hex digits naming `text` (a git-style sha for seeds that need one). */
export function sha1(text) {
  return crypto.createHash("sha1").update(text).digest("hex");
}

/** A short stable hash, for binding page tokens to the query they came from. */
export function shortHash(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** An opaque page token holding an offset and the query it belongs to. */
export function encodeToken(offset, key) {
  return Buffer.from(`pg1|${offset}|${shortHash(key)}`).toString("base64url");
}

/** The offset in a token made by `encodeToken` for the same query, or null if it is not one. */
export function decodeToken(token, key) {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const parts = Buffer.from(token, "base64url").toString("utf8").split("|");
  if (parts.length !== 3 || parts[0] !== "pg1" || parts[2] !== shortHash(key)) return null;
  const offset = Number(parts[1]);
  return Number.isInteger(offset) && offset >= 0 ? offset : null;
}

/** An integer parameter: `fallback` when absent, null when not an integer. */
export function intParam(params, name, fallback) {
  const text = params.get(name);
  if (text === null || text === "") return fallback;
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** A boolean parameter as Google reads them (`true`/`false`), `fallback` when absent. */
export function boolParam(params, name, fallback = false) {
  const text = params.get(name);
  if (text === null) return fallback;
  return text === "true" || text === "1";
}

/**
 * Google's `fields` syntax (`a,b/c,d(e,f)`, also `b.c`, `*`) as a tree of names; null when
 * the text is malformed.
 */
export function parseFields(text) {
  let pos = 0;
  const list = () => {
    const tree = {};
    for (;;) {
      const name = text.slice(pos).match(/^\s*([A-Za-z_*][A-Za-z0-9_*]*)\s*/);
      if (!name) return null;
      pos += name[0].length;
      const path = [name[1]];
      while (text[pos] === "/" || text[pos] === ".") {
        pos += 1;
        const more = text.slice(pos).match(/^([A-Za-z_*][A-Za-z0-9_*]*)\s*/);
        if (!more) return null;
        pos += more[0].length;
        path.push(more[1]);
      }
      let leaf = true;
      if (text[pos] === "(") {
        pos += 1;
        leaf = list();
        if (leaf === null || text[pos] !== ")") return null;
        pos += 1;
        while (text[pos] === " ") pos += 1;
      }
      let node = tree;
      for (const [i, part] of path.entries()) {
        if (i === path.length - 1) node[part] = merge(node[part], leaf);
        else if (node[part] === true) break;
        else node = node[part] ??= {};
      }
      if (text[pos] !== ",") return tree;
      pos += 1;
    }
  };
  const tree = list();
  return tree && pos === text.length ? tree : null;
}

function merge(a, b) {
  if (a === undefined) return b;
  if (a === true || b === true) return true;
  for (const [key, value] of Object.entries(b)) a[key] = merge(a[key], value);
  return a;
}

/** `value` with only what `tree` (from parseFields) selects. */
export function applyFields(value, tree) {
  if (tree === true || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => applyFields(item, tree));
  if (tree["*"]) return value;
  const out = {};
  for (const [key, sub] of Object.entries(tree)) {
    if (value[key] !== undefined) out[key] = applyFields(value[key], sub);
  }
  return out;
}

/** Writes a JSON answer unless the client has gone. */
export function sendJson(res, status, body, headers = {}) {
  if (res.destroyed || res.writableEnded || res.headersSent) return;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** An RFC 3339 time `minutes` before the seed's fixed "now" (2026-03-01T09:00Z). */
export function timeBefore(minutes) {
  return new Date(Date.UTC(2026, 2, 1, 9, 0, 0) - minutes * 60_000).toISOString();
}
