// Gmail API v1 (`/gmail/v1/users/me/...`) for what actions do: messages.send and drafts.create
// take `{"raw": base64url RFC 2822}` (decoded and checked here as Gmail reads it: headers, a
// recipient, a MIME-Version, no bare LF line ends), messages.list with `q`, messages.get with
// `format=full`, labels.list. A seeded inbox of three messages; what is sent is kept until reset.
import { sendJson } from "./common.mjs";
import { onReset } from "./control.mjs";

const b64url = (text) => Buffer.from(text, "utf8").toString("base64url");
const INBOX = [
  {
    id: "18c0a1b2c3d4e5f6", threadId: "18c0a1b2c3d4e5f6", labelIds: ["INBOX", "UNREAD"],
    headers: { From: "Ana Lima <ana@example.com>", To: "me@example.com", Subject: "Q3 numbers", Date: "Tue, 1 Dec 2026 09:14:00 +0000", "Message-ID": "<CAQ3numbers.ana@mail.example.com>" },
    text: "Hi! Could you send me the Q3 sheet?\n\nAna",
  },
  {
    id: "18c0a1b2c3d4e600", threadId: "18c0a1b2c3d4e600", labelIds: ["INBOX"],
    headers: { From: "Bo <bo@example.org>", To: "me@example.com", Subject: "Lunch <b>Friday</b>?", Date: "Wed, 2 Dec 2026 12:00:00 +0000", "Message-ID": "<lunch.bo@example.org>" },
    // HTML only, as a newsletter-ish client sends it: a style, a script, a remote image, entities.
    html: [
      "<html><head><style>p { color: red }</style></head><body>",
      "<p>Lunch on <b>Friday</b>? <script>alert(1)</script></p>",
      "<div>Fish &amp; chips &lt;or&gt; soup? It&#39;s&nbsp;on me.</div>",
      "<img src=\"https://tracker.example.net/open.gif?u=me\" width=\"1\" height=\"1\">",
      "<div>Bo</div></body></html>",
    ].join(""),
  },
  {
    id: "18c0a1b2c3d4e611", threadId: "18c0a1b2c3d4e611", labelIds: ["INBOX"],
    headers: { From: "Ana Lima <ana@example.com>", To: "me@example.com", Subject: "Trip", Date: "Thu, 3 Dec 2026 18:30:00 +0000", "Message-ID": "<trip.ana@mail.example.com>" },
    text: "Tickets attached.",
  },
];
const LABELS = [
  { id: "INBOX", name: "INBOX", type: "system" },
  { id: "SENT", name: "SENT", type: "system" },
  { id: "Label_12", name: "Receipts", type: "user" },
];
const state = { sent: [], drafts: [], next: 0x700 };
onReset(() => {
  state.sent = [];
  state.drafts = [];
});

const error = (code, message, reason, status) => ({ error: { code, message, errors: [{ message, domain: "global", reason }], status } });
const invalid = (message) => error(400, message, "invalidArgument", "INVALID_ARGUMENT");

/** Gmail's reading of a raw message: its headers (unfolded) and body, or why it is refused. */
function parseRaw(raw) {
  if (typeof raw !== "string" || !/^[A-Za-z0-9_-]+={0,2}$/.test(raw)) return { problem: "Invalid value for ByteString" };
  const text = Buffer.from(raw, "base64url").toString("utf8");
  if (/(^|[^\r])\n/.test(text)) return { problem: "Message lines must end with CRLF" };
  const split = text.indexOf("\r\n\r\n");
  if (split < 0) return { problem: "Message has no header section" };
  const headers = {};
  for (const line of text.slice(0, split).replace(/\r\n[ \t]/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) return { problem: `Invalid header line: ${line.slice(0, 40)}` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  if (!headers.To && !headers.Cc && !headers.Bcc) return { problem: "Recipient address required" };
  if (headers["MIME-Version"] !== "1.0") return { problem: "Missing MIME-Version" };
  return { headers, body: text.slice(split + 4) };
}

function jsonBody(ctx) {
  if (!(ctx.req.headers["content-type"] ?? "").includes("application/json")) return undefined;
  try {
    return JSON.parse(ctx.body);
  } catch {
    return undefined;
  }
}

/** Answers `/gmail/v1/users/me/...` (the part after the provider's base); undefined when not Gmail's. */
export function handleGmail(ctx, path) {
  const rest = path.match(/^\/gmail\/v1\/users\/me(\/.*)$/)?.[1];
  if (rest === undefined) return undefined;
  const send = (status, body) => sendJson(ctx.res, status, body);
  if (ctx.method === "POST" && (rest === "/messages/send" || rest === "/drafts")) {
    const body = jsonBody(ctx);
    if (body === undefined) return send(400, invalid("Invalid JSON payload received."));
    const raw = rest === "/drafts" ? body.message?.raw : body.raw;
    const parsed = parseRaw(raw);
    if (parsed.problem) return send(400, invalid(parsed.problem));
    const id = (state.next++).toString(16).padStart(16, "1");
    const threadId = typeof body.threadId === "string" ? body.threadId : id;
    if (rest === "/drafts") {
      state.drafts.push({ id: `r-${id}`, raw });
      return send(200, { id: `r-${id}`, message: { id, threadId, labelIds: ["DRAFT"] } });
    }
    state.sent.push({ id, threadId, raw });
    return send(200, { id, threadId, labelIds: ["SENT"] });
  }
  if (ctx.method === "GET" && rest === "/labels") return send(200, { labels: LABELS });
  if (ctx.method === "GET" && rest === "/messages") {
    const terms = (ctx.params.get("q") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    const max = Math.min(Number(ctx.params.get("maxResults") ?? 100) || 100, 500);
    const found = INBOX.filter((message) => terms.every((term) => matches(message, term))).slice(0, max).reverse();
    return send(200, found.length ? { messages: found.map(({ id, threadId }) => ({ id, threadId })), resultSizeEstimate: found.length } : { resultSizeEstimate: 0 });
  }
  const one = rest.match(/^\/messages\/([A-Za-z0-9]+)$/)?.[1];
  if (ctx.method === "GET" && one) {
    const message = INBOX.find((candidate) => candidate.id === one);
    if (!message) return send(404, error(404, "Requested entity was not found.", "notFound", "NOT_FOUND"));
    return send(200, full(message));
  }
  return send(404, error(404, "Not Found", "notFound", "NOT_FOUND"));
}

/** `from:x`, `subject:x` or a word anywhere. */
function matches(message, term) {
  const [field, value] = term.includes(":") ? term.split(/:(.*)/) : [null, term];
  const of = (name) => (message.headers[name] ?? "").toLowerCase();
  if (field === "from") return of("From").includes(value);
  if (field === "subject") return of("Subject").includes(value);
  return [of("From"), of("Subject"), (message.text ?? message.html ?? "").toLowerCase()].some((text) => text.includes(value));
}

function full(message) {
  const headers = Object.entries(message.headers).map(([name, value]) => ({ name, value }));
  const part = (mimeType, text) => ({ partId: "0", mimeType, filename: "", headers: [], body: { size: Buffer.byteLength(text), data: b64url(text) } });
  const payload = message.text
    ? { ...part("text/plain", message.text), headers }
    : { partId: "", mimeType: "multipart/alternative", filename: "", headers, body: { size: 0 }, parts: [part("text/html", message.html)] };
  return { id: message.id, threadId: message.threadId, labelIds: message.labelIds, snippet: (message.text ?? "").slice(0, 100), payload };
}
