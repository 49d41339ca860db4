// The control plane tests drive the doubles with (no auth): queued faults, rejected tokens,
// paging that gets stuck, slow answers, and the log of every provider request.
import { sendJson } from "./common.mjs";

const state = {
  /**
   * {path, status, headers, body, hasBody, cut, done, times} in the order they were queued;
   * `cut`: the status line, the headers and half the body, then the connection closes; `done`:
   * the request is carried out first, and only its answer is the fault (a provider that did
   * the thing and then failed to say so).
   */
  faults: [],
  rejected: new Set(),
  /** Path prefixes whose page answers point back at the page asked for. */
  repeats: new Set(),
  /** path prefix → milliseconds. */
  delays: new Map(),
  log: [],
};

/** What the provider modules made (issues, messages…), forgotten on reset. */
const resets = [];

/** Registers `reset` to run on `POST /_control/reset` (a module's written state). */
export function onReset(reset) {
  resets.push(reset);
}

/** Records a provider request; `extra` adds fields such as Supabase's `apikey`. */
export function record(method, path, params, bearer, extra = {}) {
  const query = {};
  for (const [key, value] of params) {
    if (!(key in query)) query[key] = value;
    else query[key] = [].concat(query[key], value);
  }
  state.log.push({ method, path, query, bearer: bearer ?? null, ...extra });
}

/** The next queued fault for `path`, used up by one; undefined when none applies. */
export function takeFault(path) {
  const index = state.faults.findIndex((fault) => path.startsWith(fault.path));
  if (index < 0) return undefined;
  const fault = state.faults[index];
  fault.times -= 1;
  if (fault.times <= 0) state.faults.splice(index, 1);
  return fault;
}

export function isRejected(token) {
  return state.rejected.has(token);
}

/** How long answers on `path` wait (the longest matching prefix wins). */
export function delayFor(path) {
  let best = "";
  let ms = 0;
  for (const [prefix, wait] of state.delays) {
    if (path.startsWith(prefix) && prefix.length >= best.length) [best, ms] = [prefix, wait];
  }
  return ms;
}

/**
 * The next-page token to answer with: the real one, unless paging on `path` is stuck, when a
 * request that came with a token gets that same token back (the first page still points on).
 */
export function nextToken(path, incoming, real) {
  const stuck = [...state.repeats].some((prefix) => path.startsWith(prefix));
  if (stuck && incoming) return incoming;
  return real;
}

/** Answers `/_control/...`; `body` is the parsed JSON body (or undefined). */
export function control(method, path, body, res) {
  const route = `${method} ${path}`;
  const need = (field, type) => {
    if (typeof body?.[field] !== type) throw new Error(`"${field}" must be a ${type}`);
    return body[field];
  };
  try {
    switch (route) {
      case "POST /_control/faults": {
        const times = body?.times === undefined ? 1 : need("times", "number");
        const headers = body?.headers ?? {};
        if (typeof headers !== "object" || Array.isArray(headers)) throw new Error('"headers" must be an object');
        state.faults.push({
          path: need("path", "string"),
          status: need("status", "number"),
          headers,
          hasBody: body !== null && "body" in body,
          body: body?.body,
          cut: body?.cut === undefined ? false : need("cut", "boolean"),
          done: body?.done === undefined ? false : need("done", "boolean"),
          times,
        });
        return sendJson(res, 204);
      }
      case "POST /_control/reject-token":
        state.rejected.add(need("token", "string"));
        return sendJson(res, 204);
      case "POST /_control/repeat-page-token":
        state.repeats.add(need("path", "string"));
        return sendJson(res, 204);
      case "POST /_control/delay":
        state.delays.set(need("path", "string"), Math.max(0, need("ms", "number")));
        return sendJson(res, 204);
      case "GET /_control/requests":
        return sendJson(res, 200, state.log);
      case "POST /_control/reset":
        state.faults = [];
        state.rejected.clear();
        state.repeats.clear();
        state.delays.clear();
        state.log = [];
        for (const reset of resets) reset();
        return sendJson(res, 204);
      default:
        return sendJson(res, 404, { error: `no control route ${route}` });
    }
  } catch (error) {
    return sendJson(res, 400, { error: error.message });
  }
}
