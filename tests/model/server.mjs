// A scripted language-model server on loopback: it replays queued "turns" (text, tool calls,
// errors, broken streams) over OpenAI Chat Completions and Anthropic Messages, and lists models
// as OpenAI, Anthropic and Ollama do, so the app's real model clients run against it. A control
// plane (/_control/...) queues turns, sets the key and models, and shows every request.
// node:http only, no dependencies. Prints one JSON line {"url": ...} once it listens; stops on
// stdin close or SIGTERM. See README.md in this folder.
import http from "node:http";
import { sendJson } from "../doubles/common.mjs";
import {
  anthropicError,
  completionBody,
  midStreamError,
  openaiError,
  statusError,
  streamEvents,
} from "./render.mjs";

const MAX_BODY = 4 << 20;
const DEFAULT_CONFIG = () => ({ key: null, models: ["scripted-1"] });

const state = { config: DEFAULT_CONFIG(), turns: [], log: [], served: 0 };

const server = http.createServer({ noDelay: true }, (req, res) => {
  const at = Date.now();
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on("end", () => {
    const text = size > MAX_BODY ? null : Buffer.concat(chunks).toString("utf8");
    serve(req, res, text, at).catch((error) => {
      process.stderr.write(`model: ${req.method} ${req.url}: ${error.stack}\n`);
      sendJson(res, 500, openaiError(`scripted server failed: ${error}`, "server_error"));
    });
  });
});
// Longer than any client pool's idle time, so a reused connection is never closed under it.
server.keepAliveTimeout = 120_000;

/** `text` parsed as JSON: {ok, value}; an empty text is {ok: true, value: undefined}. */
function parse(text) {
  if (!text) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

async function serve(req, res, text, at) {
  const path = new URL(req.url, "http://127.0.0.1").pathname;
  const json = text === null ? { ok: false } : parse(text);
  if (path.startsWith("/_control/")) {
    if (!json.ok) return sendJson(res, 400, { error: "the body is not JSON" });
    return control(req.method, path, json.value, res);
  }
  const body = text === null || text === "" ? null : json.ok ? json.value : text;
  state.log.push({ method: req.method, path, headers: { ...req.headers }, body, at });

  const anthropic = path === "/v1/messages" || (path === "/v1/models" && "anthropic-version" in req.headers);
  const flavor = anthropic ? "anthropic" : "openai";
  const route = `${req.method} ${path}`;
  if (text === null) return sendJson(res, 413, statusError(flavor, 413, "request body is larger than 4 MiB"));
  if (anthropic && !req.headers["anthropic-version"]) {
    return sendJson(res, 400, anthropicError("invalid_request_error", "anthropic-version header is required"));
  }
  const known = ["GET /v1/models", "GET /api/tags", "POST /v1/chat/completions", "POST /v1/messages"];
  if (!known.includes(route)) {
    if (anthropic) return sendJson(res, 404, anthropicError("not_found_error", `Not Found: ${route}`));
    return sendJson(res, 404, openaiError(`Invalid URL (${route})`, "invalid_request_error", null));
  }
  if (!authorized(req, flavor)) return sendJson(res, 401, unauthorized(flavor));
  if (req.method === "GET") return sendJson(res, 200, modelList(path, flavor));

  if (!json.ok || json.value === null || typeof json.value !== "object" || Array.isArray(json.value)) {
    return sendJson(res, 400, statusError(flavor, 400, "the request body is not a JSON object"));
  }
  const model = json.value.model;
  if (typeof model !== "string") {
    return sendJson(res, 400, statusError(flavor, 400, anthropic ? "model: Field required" : "you must provide a model parameter"));
  }
  if (!state.config.models.includes(model)) return sendJson(res, 404, modelNotFound(flavor, model));
  return answer(req, res, flavor, model, json.value.stream === true);
}

/** Whether the request carries the configured key (always, when no key is set). */
function authorized(req, flavor) {
  const key = state.config.key;
  if (key === null) return true;
  if (flavor === "anthropic") return req.headers["x-api-key"] === key;
  const match = (req.headers.authorization ?? "").match(/^bearer\s+(.+)$/i);
  return match !== null && match[1].trim() === key;
}

/** The provider's 401 body for a missing or wrong key. */
function unauthorized(flavor) {
  if (flavor === "anthropic") return anthropicError("authentication_error", "invalid x-api-key");
  return openaiError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
}

/** The provider's 404 body for a model that is not configured. */
function modelNotFound(flavor, model) {
  if (flavor === "anthropic") return anthropicError("not_found_error", `model: ${model}`);
  const message = `The model \`${model}\` does not exist or you do not have access to it.`;
  return openaiError(message, "invalid_request_error", "model_not_found");
}

/** The configured models as OpenAI's, Anthropic's or Ollama's (`/api/tags`) list. */
function modelList(path, flavor) {
  const models = state.config.models;
  if (path === "/api/tags") {
    return { models: models.map((id) => ({ name: id, model: id, modified_at: "2025-01-01T00:00:00Z", size: 1 })) };
  }
  if (flavor === "anthropic") {
    return {
      data: models.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-01-01T00:00:00Z" })),
      has_more: false,
      first_id: models[0] ?? null,
      last_id: models.at(-1) ?? null,
    };
  }
  return { object: "list", data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "scripted" })) };
}

/** Answers a model request with the next queued turn. */
async function answer(req, res, flavor, model, wantsStream) {
  const turn = state.turns.shift();
  if (!turn) {
    const message = "scripted server: no turn queued";
    const body = flavor === "anthropic" ? anthropicError("api_error", message) : openaiError(message, "server_error");
    return sendJson(res, 500, body);
  }
  state.served += 1;
  const ctx = { n: state.served, created: Math.floor(Date.now() / 1000), model };
  if (turn.delayMs > 0 && (await sleepUnlessGone(res, turn.delayMs))) return undefined;
  if (turn.hang) return undefined; // the socket stays open until the client or the server ends it
  const headers = turn.headers ?? {};
  if (typeof turn.status === "number") return sendStatus(res, flavor, turn, headers);
  if (!wantsStream || turn.ignoreStream) return sendJson(res, 200, completionBody(flavor, turn, ctx), headers);
  return stream(res, flavor, turn, streamEvents(flavor, turn, ctx), headers);
}

/** A scripted error answer: its body as given (a string as text, null as none), or the provider's. */
function sendStatus(res, flavor, turn, headers) {
  if (turn.body === null) return sendJson(res, turn.status, undefined, headers);
  if (typeof turn.body === "string") {
    res.writeHead(turn.status, { "content-type": "text/plain; charset=utf-8", ...headers });
    return res.end(turn.body);
  }
  return sendJson(res, turn.status, turn.body ?? statusError(flavor, turn.status), headers);
}

/** Writes the SSE `events`, cut short as the turn's errorAfter/cutAfter/stallAfter say. */
async function stream(res, flavor, turn, events, headers) {
  const after = (n) => (Number.isInteger(n) && n >= 0 ? n : Infinity);
  const stops = [
    ["error", after(turn.errorAfter)],
    ["cut", after(turn.cutAfter)],
    ["stall", after(turn.stallAfter)],
  ].filter(([, n]) => n <= events.length);
  stops.sort((a, b) => a[1] - b[1]);
  const [ending, count] = stops[0] ?? ["end", events.length];
  const sent = events.slice(0, count);
  if (ending === "error") sent.push(midStreamError(flavor));

  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers });
  res.flushHeaders();
  if (turn.writeBytes > 0) {
    const bytes = Buffer.from(sent.join(""), "utf8");
    for (let i = 0; i < bytes.length; i += turn.writeBytes) {
      if (i > 0 && (await sleepUnlessGone(res, 2))) return;
      if (!(await write(res, bytes.subarray(i, i + turn.writeBytes)))) return;
    }
  } else {
    for (const [i, event] of sent.entries()) {
      if (i > 0 && turn.eventDelayMs > 0 && (await sleepUnlessGone(res, turn.eventDelayMs))) return;
      if (!(await write(res, event))) return;
    }
  }
  if (ending === "cut") res.socket?.destroy();
  else if (ending !== "stall") res.end();
}

/** Writes `chunk` and waits until it is handed to the socket; false when the client has gone. */
function write(res, chunk) {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => res.write(chunk, (error) => resolve(!error)));
}

/** Waits `ms`; true (at once) if the client goes away meanwhile. */
function sleepUnlessGone(res, ms) {
  if (res.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const gone = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      res.off("close", gone);
      resolve(res.destroyed);
    }, ms);
    res.once("close", gone);
  });
}

/** Answers `/_control/...`; `body` is the parsed JSON body (or undefined). */
function control(method, path, body, res) {
  const route = `${method} ${path}`;
  try {
    switch (route) {
      case "POST /_control/config": {
        const next = { ...state.config };
        if (body && "key" in body) {
          if (body.key !== null && typeof body.key !== "string") throw new Error('"key" must be a string or null');
          next.key = body.key;
        }
        if (body && "models" in body) {
          if (!Array.isArray(body.models) || body.models.some((m) => typeof m !== "string")) {
            throw new Error('"models" must be an array of strings');
          }
          next.models = [...body.models];
        }
        state.config = next;
        return sendJson(res, 204);
      }
      case "POST /_control/script": {
        if (!Array.isArray(body?.turns)) throw new Error('"turns" must be an array');
        body.turns.forEach(checkTurn);
        state.turns.push(...body.turns);
        return sendJson(res, 204);
      }
      case "GET /_control/requests":
        return sendJson(res, 200, state.log);
      case "GET /_control/pending":
        return sendJson(res, 200, { turns: state.turns.length });
      case "POST /_control/reset":
        state.config = DEFAULT_CONFIG();
        state.turns = [];
        state.log = [];
        return sendJson(res, 204);
      default:
        return sendJson(res, 404, { error: `no control route ${route}` });
    }
  } catch (error) {
    return sendJson(res, 400, { error: error.message });
  }
}

/** Throws when `turn` (the `i`th queued) is not a usable turn. */
function checkTurn(turn, i) {
  if (turn === null || typeof turn !== "object" || Array.isArray(turn)) throw new Error(`turn ${i} must be an object`);
  if (turn.toolCalls !== undefined && !Array.isArray(turn.toolCalls)) throw new Error(`turn ${i}: "toolCalls" must be an array`);
  for (const call of turn.toolCalls ?? []) {
    if (typeof call?.name !== "string") throw new Error(`turn ${i}: every tool call needs a string "name"`);
  }
  if (turn.headers !== undefined && (typeof turn.headers !== "object" || Array.isArray(turn.headers))) {
    throw new Error(`turn ${i}: "headers" must be an object`);
  }
}


await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
process.stdout.write(`${JSON.stringify({ url: origin })}\n`);

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
