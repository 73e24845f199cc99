// A plain-text copy of the chat the resident can keep ("Download
// transcript"). Built from the rendered items, so it says exactly what the
// resident saw, in the language they are reading.

function authorLabel(item, t) {
  if (item.author === "resident") return t("you");
  if (item.author === "bot") return item.authorName || t("assistant");
  if (item.author === "advisor") return item.authorName || t("advisor");
  return item.authorName || t("council");
}

function timeOf(at) {
  if (!at) return "";
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return "";
  return date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

export function transcriptText(items, t, { council, now = new Date() } = {}) {
  const lines = [t("transcriptTitle", { council: council || t("councilFallback") }), timeOf(now.toISOString()), ""];
  for (const item of items) {
    const when = timeOf(item.at);
    const prefix = when ? `[${when}] ` : "";
    if (item.kind === "message") {
      lines.push(`${prefix}${authorLabel(item, t)}: ${item.text}`);
      for (const link of item.links || []) lines.push(`    ${link.title}${link.section ? `: ${link.section}` : ""} <${link.url}>`);
      if (item.prompt) lines.push(`    ${item.prompt}`);
    } else {
      lines.push(`${prefix}${item.textKey ? t(item.textKey, item.vars || {}) : item.text}`);
    }
  }
  return lines.join("\n") + "\n";
}

export function transcriptFilename(now = new Date()) {
  return `chat-transcript-${now.toISOString().slice(0, 10)}.txt`;
}

// Offer the text as a file download without touching the page's DOM for
// longer than the click.
export function downloadText(doc, text, filename) {
  const win = doc.defaultView;
  const blob = new win.Blob([text], { type: "text/plain;charset=utf-8" });
  const href = win.URL.createObjectURL(blob);
  const link = doc.createElement("a");
  link.href = href;
  link.download = filename;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  win.setTimeout(() => win.URL.revokeObjectURL(href), 1000);
}
