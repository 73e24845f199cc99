// One transcript item as a list element. Text is always textContent; links
// are vetted <a> elements (links.js); buttons are real <button>s.

import { el } from "../dom.js";
import { createLink } from "../links.js";
import { translator } from "../i18n.js";

const LANGUAGES = ["en", "cy"];

export function authorName(item, t) {
  if (item.author === "resident") return t("you");
  if (item.author === "bot") return item.authorName || t("assistant");
  if (item.author === "advisor") return item.authorName || t("advisor");
  return item.authorName || t("council");
}

export function itemText(item, t) {
  return item.textKey ? t(item.textKey, item.vars || {}) : item.text || "";
}

// An answer's source as a card: the article's title is the link (one tab stop,
// its accessible name is the title), the section below it as plain text.
// The card speaks the answer's language, whatever the widget's own.
function renderCard(doc, link, widgetT, base) {
  const t = LANGUAGES.includes(link.language) ? translator(link.language) : widgetT;
  const anchor = createLink(doc, link, { base, newTabText: t("newTab") });
  anchor.classList.add("fd-card-title");
  return el(doc, "li", { className: "fd-card" }, [
    el(doc, "p", { className: "fd-card-kicker", text: t("answerSource") }),
    anchor,
    el(doc, "p", { className: "fd-card-section", text: link.section }),
  ]);
}

export function renderItem(doc, item, t, { base }) {
  if (item.kind !== "message") {
    const li = el(doc, "li", { className: "fd-system", "data-key": item.key });
    li.append(el(doc, "p", { text: itemText(item, t) }));
    if (item.notice && item.notice.openingHours) {
      li.append(el(doc, "p", { text: t("openingHours", { hours: item.notice.openingHours }) }));
    }
    return li;
  }
  const li = el(doc, "li", {
    className: `fd-message fd-from-${item.author}`,
    "data-key": item.key,
    "data-seq": item.seq == null ? null : String(item.seq),
  });
  li.append(el(doc, "p", { className: "fd-author", text: authorName(item, t) }));
  li.append(el(doc, "p", { className: "fd-text", text: item.text }));
  if (item.links && item.links.length) {
    const list = el(doc, "ul", { className: "fd-links", "aria-label": t("relatedPages") });
    for (const link of item.links) {
      list.append(link.section ? renderCard(doc, link, t, base) : el(doc, "li", {}, [createLink(doc, link, { base, newTabText: t("newTab") })]));
    }
    li.append(list);
  }
  if (item.prompt) li.append(el(doc, "p", { className: "fd-prompt", text: item.prompt }));
  // An answer in the other language is marked so screen readers pronounce it right.
  const spoken = (item.links || []).map((link) => link.language).find((code) => LANGUAGES.includes(code));
  if (spoken) for (const part of li.querySelectorAll(".fd-text, .fd-links, .fd-prompt")) part.setAttribute("lang", spoken);
  if (item.status === "sending") li.append(el(doc, "p", { className: "fd-meta", text: t("sending") }));
  if (item.status === "failed") li.append(el(doc, "p", { className: "fd-meta fd-error", text: t("errorGeneric") }));
  return li;
}

// What the live region says for a new item (null: say nothing).
export function announcement(item, t) {
  if (item.kind === "message") {
    if (item.author === "resident") return null;
    const said = [item.text, ...(item.links || []).map((l) => [l.title, l.section].filter(Boolean).join(": ")), item.prompt];
    return `${authorName(item, t)}: ${said.filter(Boolean).join(" ")}`;
  }
  return itemText(item, t);
}
