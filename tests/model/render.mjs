// Renders one scripted turn in the wire format of the endpoint that takes it: OpenAI Chat
// Completions or Anthropic Messages, as a list of server-sent events (streaming) or one JSON
// body; also each provider's error bodies. Pure functions, no I/O.

const ANTHROPIC_TYPES = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** An OpenAI error body; `code` is left out when undefined. */
export function openaiError(message, type, code) {
  return { error: { message, type, ...(code === undefined ? {} : { code }) } };
}

/** An Anthropic error body. */
export function anthropicError(type, message) {
  return { type: "error", error: { type, message } };
}

/** The provider's error body for an HTTP `status` (a scripted `status` turn without `body`). */
export function statusError(flavor, status, message = `scripted error: HTTP ${status}`) {
  if (flavor === "anthropic") {
    return anthropicError(ANTHROPIC_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message);
  }
  if (status === 429) return openaiError(message, "requests", "rate_limit_exceeded");
  return openaiError(message, status >= 500 ? "server_error" : "invalid_request_error", null);
}

/** The event a stream ends with when a turn's `errorAfter` fires. */
export function midStreamError(flavor) {
  if (flavor === "anthropic") return sse("error", anthropicError("overloaded_error", "Overloaded"));
  return sse(null, openaiError("The server had an error while processing your request.", "server_error"));
}

/** One server-sent event: `event:` (when named) and `data:` lines, then a blank line. */
function sse(event, data) {
  return `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

/** `text` in pieces of `size` characters (code points, so no surrogate pair is split). */
export function pieces(text, size) {
  const chars = Array.from(text ?? "");
  const step = Math.max(1, Math.floor(Number(size)) || 1);
  const out = [];
  for (let i = 0; i < chars.length; i += step) out.push(chars.slice(i, i + step).join(""));
  return out;
}

/** The turn's tool calls, each with its arguments as the text sent on the wire. */
function callsOf(turn, idPrefix) {
  return (turn.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `${idPrefix}${i + 1}`,
    name: call.name,
    args: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
}

/** A tool call's arguments as an Anthropic `input` object (`{"_raw": text}` when not a JSON object). */
function inputOf(args) {
  try {
    const value = JSON.parse(args);
    if (value && typeof value === "object" && !Array.isArray(value)) return value;
  } catch {
    // not JSON: kept raw below
  }
  return { _raw: args };
}

/** The turn's text, or "" when it has none. */
function textOf(turn) {
  return typeof turn.text === "string" ? turn.text : "";
}

/** The streamed events of `turn` for `flavor`; `ctx` is {n, created, model}. */
export function streamEvents(flavor, turn, ctx) {
  return flavor === "anthropic" ? anthropicStream(turn, ctx) : openaiStream(turn, ctx);
}

/** The non-streamed JSON body of `turn` for `flavor`. */
export function completionBody(flavor, turn, ctx) {
  return flavor === "anthropic" ? anthropicBody(turn, ctx) : openaiBody(turn, ctx);
}

/** Chat Completions chunks: role, text deltas, tool calls (name first, then arguments), finish, [DONE]. */
function openaiStream(turn, { n, created, model }) {
  const chunk = (delta, finish = null) =>
    sse(null, {
      id: `chatcmpl-scripted-${n}`,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  const calls = callsOf(turn, "call_");
  const events = [chunk({ role: "assistant", content: "" })];
  for (const piece of pieces(textOf(turn), turn.textChunk ?? 8)) events.push(chunk({ content: piece }));
  calls.forEach((call, index) => {
    const head = { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } };
    events.push(chunk({ tool_calls: [head] }));
    for (const piece of pieces(call.args, turn.argsChunk ?? 10)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, calls.length ? "tool_calls" : "stop"));
  events.push("data: [DONE]\n\n");
  return events;
}

/** A `chat.completion` object. */
function openaiBody(turn, { n, created, model }) {
  const calls = callsOf(turn, "call_");
  const message = { role: "assistant", content: typeof turn.text === "string" ? turn.text : null };
  if (calls.length) {
    message.tool_calls = calls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.args },
    }));
  }
  return {
    id: `chatcmpl-scripted-${n}`,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message, finish_reason: calls.length ? "tool_calls" : "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** Messages events: message_start, ping, one block per text/tool call, message_delta, message_stop. */
function anthropicStream(turn, { n, model }) {
  const events = [
    sse("message_start", {
      type: "message_start",
      message: {
        id: `msg_scripted_${n}`,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 1 },
      },
    }),
    sse("ping", { type: "ping" }),
  ];
  const block = (index, contentBlock, deltas) => {
    events.push(sse("content_block_start", { type: "content_block_start", index, content_block: contentBlock }));
    for (const delta of deltas) events.push(sse("content_block_delta", { type: "content_block_delta", index, delta }));
    events.push(sse("content_block_stop", { type: "content_block_stop", index }));
  };
  let index = 0;
  const text = textOf(turn);
  if (text) {
    const deltas = pieces(text, turn.textChunk ?? 8).map((piece) => ({ type: "text_delta", text: piece }));
    block(index++, { type: "text", text: "" }, deltas);
  }
  const calls = callsOf(turn, "toolu_scripted_");
  for (const call of calls) {
    const deltas = pieces(call.args, turn.argsChunk ?? 10).map((piece) => ({ type: "input_json_delta", partial_json: piece }));
    block(index++, { type: "tool_use", id: call.id, name: call.name, input: {} }, deltas);
  }
  events.push(
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: calls.length ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: 5 },
    }),
  );
  events.push(sse("message_stop", { type: "message_stop" }));
  return events;
}

/** A Messages `message` object. */
function anthropicBody(turn, { n, model }) {
  const calls = callsOf(turn, "toolu_scripted_");
  const content = [];
  if (textOf(turn)) content.push({ type: "text", text: textOf(turn) });
  for (const call of calls) content.push({ type: "tool_use", id: call.id, name: call.name, input: inputOf(call.args) });
  return {
    id: `msg_scripted_${n}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: calls.length ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 },
  };
}
