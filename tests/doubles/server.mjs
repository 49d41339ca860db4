// Loopback doubles of the provider APIs the "Browse resources" feature reads and actions use
// (Google Drive, Calendar and Sheets, GitHub, Slack, Atlassian/Jira and Confluence, Supabase,
// Notion, Telegram), seeded with large data, plus
// a control plane for tests (/_control/...). node:http only, no dependencies.
// Prints one JSON line {"url": ...} once it listens; stops on stdin close or SIGTERM.
// Every request: logged, delayed if asked, answered by a queued fault if any, then checked
// for credentials (the provider's 401 shape), then answered by the provider's module.
import http from "node:http";
import * as atlassian from "./atlassian.mjs";
import { sendJson } from "./common.mjs";
import { control, delayFor, isRejected, record, takeFault } from "./control.mjs";
import * as github from "./github.mjs";
import * as google from "./google.mjs";
import * as slack from "./slack.mjs";
import * as notion from "./notion.mjs";
import * as supabase from "./supabase.mjs";
import * as telegram from "./telegram.mjs";

const PROVIDERS = { google, sheets: google, github, slack, atlassian, supabase, notion, telegram };
const MAX_BODY = 1 << 20;

const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on("end", () => {
    serve(req, res, Buffer.concat(chunks).toString("utf8")).catch((error) => {
      process.stderr.write(`doubles: ${req.method} ${req.url}: ${error.stack}\n`);
      sendJson(res, 500, { error: "the doubles failed", detail: String(error) });
    });
  });
});
// Longer than any client pool's idle time, so a reused connection is never closed under it.
server.keepAliveTimeout = 120_000;

async function serve(req, res, body) {
  const url = new URL(req.url, origin);
  const path = url.pathname;
  if (path.startsWith("/_control/")) {
    let json;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      return sendJson(res, 400, { error: "the body is not JSON" });
    }
    if (req.method === "GET" && path === "/_control/seed") return sendJson(res, 200, seedSummary());
    return control(req.method, path, json, res);
  }
  const name = path.split("/")[1];
  const provider = PROVIDERS[name];
  if (!provider) return sendJson(res, 404, { error: `no provider double at ${path}` });

  const params = new URLSearchParams(url.search);
  // Slack also takes its arguments (and token) as a POST form or JSON body.
  if (req.method === "POST" && body) {
    const type = req.headers["content-type"] ?? "";
    try {
      const fields = type.includes("json") ? Object.entries(JSON.parse(body)) : new URLSearchParams(body);
      for (const [key, value] of fields) params.append(key, String(value));
    } catch {
      if (name === "slack") return sendJson(res, 200, { ok: false, error: "invalid_json" });
      return sendJson(res, 400, { error: "the body could not be read" });
    }
  }
  const ctx = { req, res, method: req.method, path, params, provider: name, bearer: bearerOf(req, name), origin, body };
  const token = provider.tokenOf ? provider.tokenOf(ctx) : ctx.bearer;
  record(req.method, path, url.searchParams, ctx.bearer, {
    ...(name === "supabase" ? { apikey: token } : {}),
    ...(ctx.basicUser ? { basic: { user: ctx.basicUser, token } } : {}),
    ...(req.method === "GET" ? {} : { body, headers: shownHeaders(req) }),
  });

  const wait = delayFor(path);
  if (wait > 0) {
    const gone = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), wait);
      res.on("close", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (gone || res.destroyed) return undefined;
  }

  const fault = takeFault(path);
  if (fault?.done) await provider.handle({ ...ctx, res: answerNobodyReads() });
  if (fault) return sendFault(ctx, provider, fault);
  if (!token && provider.needsNoToken?.(ctx)) return provider.handle(ctx);
  if (!token) return provider.unauthorized(ctx, "missing");
  if (isRejected(token) || (ctx.bearer && isRejected(ctx.bearer))) return provider.unauthorized(ctx, "rejected");
  return provider.handle(ctx);
}

/** The request headers a test may check (never the credentials). */
function shownHeaders(req) {
  const shown = ["accept", "content-type", "content-length", "prefer", "x-github-api-version", "notion-version"];
  return Object.fromEntries(shown.filter((name) => name in req.headers).map((name) => [name, req.headers[name]]));
}

/** `Authorization: Bearer <t>` (GitHub also takes `token <t>`); null when absent. */
function bearerOf(req, provider) {
  const header = req.headers.authorization ?? "";
  const match = header.match(/^(\S+)\s+(.+)$/);
  if (!match) return null;
  const scheme = match[1].toLowerCase();
  if (scheme === "bearer" || (provider === "github" && scheme === "token")) return match[2].trim() || null;
  return null;
}

/**
 * A queued fault: its body as given (null: none), or the provider's own error body; a `cut`
 * one sends the headers (its own Content-Length if given) and half its JSON body, then closes.
 */
/** A response that goes nowhere: where a `done` fault's request is carried out. */
function answerNobodyReads() {
  return {
    destroyed: false,
    writableEnded: false,
    headersSent: false,
    writeHead() {
      this.headersSent = true;
      return this;
    },
    write: () => true,
    end() {
      this.writableEnded = true;
    },
    destroy() {
      this.destroyed = true;
    },
    on() {
      return this;
    },
  };
}

function sendFault(ctx, provider, fault) {
  const base = provider.extraHeaders ? provider.extraHeaders(ctx) : {};
  const headers = { ...base, ...fault.headers };
  if (fault.cut) {
    const text = Buffer.from(JSON.stringify(fault.hasBody ? fault.body : provider.defaultError(fault.status)));
    ctx.res.writeHead(fault.status, { "content-type": "application/json", "content-length": text.length, ...headers });
    // Flushed before the close, so the client has the status line and part of the answer.
    return ctx.res.write(text.subarray(0, Math.floor(text.length / 2)), () => ctx.res.destroy());
  }
  if (fault.hasBody && fault.body === null) return sendJson(ctx.res, fault.status, undefined, headers);
  if (fault.hasBody && typeof fault.body === "string") {
    ctx.res.writeHead(fault.status, { "content-type": "text/plain; charset=utf-8", ...headers });
    return ctx.res.end(fault.body);
  }
  return sendJson(ctx.res, fault.status, fault.hasBody ? fault.body : provider.defaultError(fault.status), headers);
}

function seedSummary() {
  const names = { google, github, slack, atlassian, supabase, notion, telegram };
  return { url: origin, ...Object.fromEntries(Object.entries(names).map(([name, module]) => [name, module.seed])) };
}

await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
github.setOrigin(origin);
atlassian.setOrigin(origin);
process.stdout.write(`${JSON.stringify({ url: origin })}\n`);

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
