// The assistant's markdown as safe HTML: `marked` reads it (raw HTML in it is shown as text, never run), DOMPurify then
// keeps only a short list of formatting tags, and links keep their address only when it is http or https. Images are
// dropped (a remote image would be a request the person never asked for). Links are opened by the caller via
// api.openLink, never by the webview.
import DOMPurify from "dompurify";
import { Marked } from "marked";

const ALLOWED_TAGS = [
  "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
  "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span",
];
const ALLOWED_ATTR = ["href", "title", "start"];

/** Whether a link may be offered: only web addresses. */
export function isWebLink(href: string | null | undefined): href is string {
  if (!href) return false;
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const parser = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // Raw HTML in the text is shown as the text it is.
    html: ({ text }) => escapeHtml(text),
    image: ({ text }) => escapeHtml(text),
  },
});

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** One DOMPurify of our own, so its link rule does not touch anyone else's. */
function chatPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const made = DOMPurify(window);
  made.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName !== "A") return;
    const href = node.getAttribute("href");
    if (isWebLink(href)) {
      node.setAttribute("rel", "noreferrer noopener");
      node.setAttribute("data-web-link", "");
    } else {
      node.removeAttribute("href");
    }
  });
  purifier = made;
  return made;
}

/** The markdown as sanitized HTML, ready for `{@html}`. */
export function renderMarkdown(markdown: string): string {
  const html = parser.parse(markdown, { async: false });
  return chatPurifier().sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
}
