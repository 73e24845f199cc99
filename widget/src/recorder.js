// The co-browse recorder: frontdoor-cobrowse.js, a bundle of its own that the
// widget loads only after the resident presses Allow. rrweb serialises the
// page with everything private already hidden here, on the resident's
// device: every input, textarea and select value, text inside
// [data-frontdoor-mask] and the council's mask selectors, and
// [data-frontdoor-block] / block selectors replaced by a same-size box. The
// widget itself (.fd-root) is never mirrored. Stylesheets stay links to the
// council's own origin (not inlined), so the mirror loads them from there.
//
// Sending never crowds out the chat: events are batched every FLUSH_MS,
// serialised, cut into frames under the server's frame limit, and sent
// against a byte budget per second and only while the socket's own buffer is
// small; a backlog larger than a few seconds of budget is dropped for one
// fresh full snapshot (coalescing).

import { record } from "@rrweb/record";

const FLUSH_MS = 40;
const CHUNK_BYTES = 12 * 1024; // the service takes 12,288 characters a frame (PROTOCOL.md §9), under its 16 KB frame limit
const MAX_BUFFERED = 64 * 1024;
const BACKLOG_SECONDS = 4;
const GUIDE_MS = 8000;

function maskText(text) {
  return text.replace(/[^\s]/g, "*");
}

function selectorList(base, extra) {
  return [base, ...(extra || [])].filter(Boolean).join(",");
}

function validSelectors(doc, list) {
  return (list || []).filter((selector) => {
    try {
      doc.querySelector(selector);
      return true;
    } catch {
      return false; // a council's typo must not switch masking off: skip that one
    }
  });
}

// Cut a string into pieces of at most maxBytes UTF-8 bytes (never inside a surrogate pair).
export function chunks(text, maxBytes = CHUNK_BYTES) {
  const out = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + Math.floor(maxBytes / 3));
    let bytes = utf8Length(text, start, end);
    while (end < text.length && bytes < maxBytes - 4) {
      const code = text.charCodeAt(end);
      const step = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
      const add = code < 0x80 ? 1 : code < 0x800 ? 2 : step === 2 ? 4 : 3;
      if (bytes + add > maxBytes) break;
      bytes += add;
      end += step;
    }
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

function utf8Length(text, start, end) {
  let bytes = 0;
  for (let i = start; i < end; i += 1) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
  }
  return bytes;
}

export function start({ win, doc, settings = {}, send, buffered = () => 0, onTooLarge }) {
  const budget = Math.max(5000, Number(settings.bytes_per_second) || 200000);
  const maxSnapshot = Number(settings.max_snapshot_bytes) || 2000000;
  const allow = validSelectors(doc, settings.allow_selectors).join(",");
  const privateMode = Boolean(settings.private);
  let events = [];
  let frames = []; // serialised frames waiting for budget
  let queuedBytes = 0;
  let batch = 0;
  let windowStart = 0;
  let used = 0;
  let timer = null;
  let stopped = false;
  let guideNode = null;
  let guideTimer = null;
  // snapshotMs: the first snapshot on this page; lastSnapshotMs: the latest one taken on request
  const stats = { snapshotMs: 0, lastSnapshotMs: 0, snapshotBytes: 0, sentBytes: 0, frames: 0, resyncs: 0 };

  const options = {
    emit(event) {
      if (stopped) return;
      events.push(event);
      if (!timer) timer = win.setTimeout(flush, FLUSH_MS);
    },
    maskAllInputs: true,
    maskTextSelector: privateMode ? "*" : selectorList("[data-frontdoor-mask]", validSelectors(doc, settings.mask_selectors)),
    maskTextFn: privateMode
      ? (text, element) => (allow && element && element.closest && element.closest(allow) && !element.closest("[data-frontdoor-mask]") ? text : maskText(text))
      : maskText,
    blockSelector: selectorList("[data-frontdoor-block],.fd-root,.fd-guide", validSelectors(doc, settings.block_selectors)),
    inlineStylesheet: false,
    inlineImages: false,
    collectFonts: false,
    recordCanvas: false,
    recordCrossOriginIframes: false,
    slimDOMOptions: "all",
    sampling: { mousemove: 100, scroll: 150, media: 800 },
  };

  const began = win.performance.now();
  const stopRecording = record(options); // the initial snapshot is taken now, on the main thread
  stats.snapshotMs = win.performance.now() - began;
  win.FrontdoorCobrowse.stats = stats;

  function flush() {
    timer = null;
    if (stopped || !events.length) return pump();
    const payload = JSON.stringify(events);
    const hasSnapshot = events.some((e) => e.type === 2);
    events = [];
    if (hasSnapshot) {
      stats.snapshotBytes = payload.length;
      if (payload.length > maxSnapshot) {
        stop();
        if (onTooLarge) onTooLarge(payload.length);
        return;
      }
      frames = []; // a full snapshot replaces anything still waiting
      queuedBytes = 0;
    } else if (queuedBytes + payload.length > budget * BACKLOG_SECONDS) {
      return snapshot(); // too far behind: one fresh snapshot instead of the backlog
    }
    const parts = chunks(payload);
    batch += 1;
    parts.forEach((data, part) => {
      frames.push({ type: "cobrowse_mirror", batch, part, parts: parts.length, data });
      queuedBytes += data.length;
    });
    pump();
  }

  function pump() {
    while (frames.length && !stopped) {
      const now = win.performance.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        used = 0;
      }
      const next = frames[0];
      if (buffered() > MAX_BUFFERED || (used > 0 && used + next.data.length > budget)) {
        if (!timer) timer = win.setTimeout(flush, FLUSH_MS); // try again shortly
        return;
      }
      if (!send(next)) {
        if (!timer) timer = win.setTimeout(flush, FLUSH_MS * 5); // socket reconnecting
        return;
      }
      frames.shift();
      used += next.data.length;
      queuedBytes -= next.data.length;
      stats.sentBytes += next.data.length;
      stats.frames += 1;
    }
  }

  function snapshot() {
    if (stopped) return;
    stats.resyncs += 1;
    events = [];
    frames = [];
    queuedBytes = 0;
    const began = win.performance.now();
    record.takeFullSnapshot(true);
    stats.lastSnapshotMs = win.performance.now() - began;
  }

  function clearGuide() {
    win.clearTimeout(guideTimer);
    if (guideNode) guideNode.remove();
    guideNode = null;
  }

  // Draws the advisor's ring (and label) on the page; returns it, or null.
  function guide(frame, announce) {
    clearGuide();
    if (frame.kind === "clear") return null;
    const ring = doc.createElement("div");
    ring.className = "fd-root fd-guide";
    let label = String(frame.label || "").slice(0, 80);
    if (frame.kind === "highlight") {
      const node = record.mirror.getNode(Number(frame.node));
      const element = node && node.nodeType === 3 ? node.parentElement : node;
      if (!element || !element.getBoundingClientRect || element.closest(".fd-root")) return null;
      const rect = element.getBoundingClientRect();
      ring.style.left = `${rect.left + win.scrollX - 6}px`;
      ring.style.top = `${rect.top + win.scrollY - 6}px`;
      ring.style.width = `${rect.width + 12}px`;
      ring.style.height = `${rect.height + 12}px`;
      if (!label) label = (element.getAttribute("aria-label") || element.textContent || "").trim().slice(0, 80);
    } else {
      ring.classList.add("fd-guide--point");
      ring.style.left = `calc(${Number(frame.x)}px - 1.25em)`;
      ring.style.top = `calc(${Number(frame.y)}px - 1.25em)`;
    }
    if (label) {
      const tag = doc.createElement("span");
      tag.className = "fd-guide__label";
      tag.textContent = label;
      ring.append(tag);
    }
    ring.setAttribute("aria-hidden", "true"); // announced through the widget's live region
    doc.body.append(ring);
    guideNode = ring;
    guideTimer = win.setTimeout(clearGuide, GUIDE_MS);
    announce(label);
    return ring;
  }

  function stop() {
    if (stopped) return;
    stopped = true;
    win.clearTimeout(timer);
    events = [];
    frames = [];
    if (stopRecording) stopRecording();
    clearGuide();
  }

  return { stop, snapshot, guide, stats };
}

if (typeof window !== "undefined") window.FrontdoorCobrowse = { start };
