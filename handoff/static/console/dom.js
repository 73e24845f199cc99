// Element building for the console: text only ever goes in as textContent.
// (No innerHTML anywhere in the console's scripts.)

export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name === "className") node.className = value;
    else if (name === "hidden") node.hidden = Boolean(value);
    else if (name === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return "unknown";
  const s = Math.max(0, Math.round(Number(seconds)));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function clock(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

export function money(pence) {
  const value = Number(pence) / 100;
  if (!Number.isFinite(value)) return "";
  const text = Math.abs(value).toLocaleString("en-GB", { style: "currency", currency: "GBP" });
  return value < 0 ? `${text} in credit` : text;
}

// Only http(s) and same-site links become <a>; anything else is text.
export function safeLink(title, url, { newTab = true } = {}) {
  let href = null;
  try {
    const parsed = new URL(String(url || ""), window.location.href);
    if ((parsed.protocol === "http:" || parsed.protocol === "https:") && !parsed.username && !parsed.password) href = parsed.href;
  } catch {
    href = null;
  }
  const label = String(title || url || "");
  if (!href) return el("span", { text: label });
  const link = el("a", { href, text: label, rel: "noopener noreferrer" });
  if (newTab) {
    link.target = "_blank";
    link.append(el("span", { className: "visually-hidden", text: " (opens in a new tab)" }));
  }
  return link;
}

export function humanise(slug) {
  const text = String(slug || "").replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
