// Links in messages come from the bot, advisors and the knowledge base. Only
// http(s) and relative URLs become links; anything else (javascript:, data:,
// vbscript:, protocol-relative tricks) is shown as plain text.

const ALLOWED = new Set(["http:", "https:"]);

// Returns an absolute URL string, or null when the URL must not be a link.
export function safeHref(raw, base) {
  if (typeof raw !== "string") return null;
  const value = raw.trim();
  if (!value || value.length > 2048) return null;
  // Control characters and whitespace inside a scheme are how "java\tscript:"
  // slips past naive checks; the URL parser strips them, so refuse them here.
  if (/[\u0000-\u001f\u007f]/.test(value)) return null;
  let url;
  try {
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (!ALLOWED.has(url.protocol)) return null;
  if (url.username || url.password) return null;
  return url.href;
}

export function isSameOrigin(href, base) {
  try {
    return new URL(href).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

// A vetted <a>. Same-site links open in place (the conversation follows the
// resident, it lives in sessionStorage); other sites open in a new tab, and
// say so, because leaving the council's site mid-chat is surprising.
export function createLink(doc, { title, url }, { base, newTabText }) {
  const href = safeHref(url, base);
  const label = typeof title === "string" && title.trim() ? title.trim() : String(url || "");
  if (!href) {
    const span = doc.createElement("span");
    span.textContent = label;
    return span;
  }
  const link = doc.createElement("a");
  link.className = "fd-link";
  link.href = href;
  link.textContent = label;
  link.rel = "noopener noreferrer";
  if (!isSameOrigin(href, base)) {
    link.target = "_blank";
    const hint = doc.createElement("span");
    hint.className = "fd-visually-hidden";
    hint.textContent = ` (${newTabText})`;
    link.append(hint);
  }
  return link;
}
