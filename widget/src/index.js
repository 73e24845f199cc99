// Entry point of the bundle. One global, window.Frontdoor, and an init
// guard: a page that includes the script twice (or calls init again) gets
// the same widget, never two launchers.
//
//   <script src="https://chat.example.gov.uk/widget/frontdoor-widget.js"
//           data-frontdoor-url="https://chat.example.gov.uk"
//           data-council="Anytown District Council" data-colour="#1d70b8"
//           data-language="en" defer></script>

import { readConfig } from "./config.js";
import { sessionStore, preferenceStore } from "./storage.js";
import { createWidget } from "./widget.js";

export const VERSION = "1.0.0";

// The stylesheet is a file next to the script, not an injected <style>, so
// a council page's Content-Security-Policy needs only the service origin in
// style-src (no 'unsafe-inline'). The widget appears once it has loaded (or
// after a short wait, unstyled but usable, if it cannot).
const STYLE_WAIT_MS = 3000;

function stylesheetUrl(script, serviceUrl) {
  try {
    if (script && script.src) return new URL("frontdoor-widget.css", script.src).href;
  } catch {
    // fall through
  }
  return `${serviceUrl}/widget/frontdoor-widget.css`;
}

function withStyles(win, href, then) {
  const doc = win.document;
  if (doc.getElementById("fd-styles")) return then();
  const link = doc.createElement("link");
  link.id = "fd-styles";
  link.rel = "stylesheet";
  link.href = href;
  let done = false;
  const go = () => {
    if (!done) {
      done = true;
      then();
    }
  };
  link.addEventListener("load", go);
  link.addEventListener("error", go);
  win.setTimeout(go, STYLE_WAIT_MS);
  doc.head.append(link);
}

function boot(win, script, overrides = {}) {
  const existing = win.Frontdoor;
  if (existing && (existing.widget || existing.starting)) return existing.widget;
  const doc = win.document;
  const config = readConfig(script, win.location.href, overrides);
  if (!config.serviceUrl) {
    win.console.warn("Frontdoor: data-frontdoor-url is missing or not an http(s) URL; the chat widget is off.");
    return null;
  }
  win.Frontdoor.starting = true;
  withStyles(win, stylesheetUrl(script, config.serviceUrl), () => {
    const widget = createWidget({
      win,
      doc,
      config,
      session: sessionStore(win),
      prefs: preferenceStore(win),
      WebSocketImpl: win.WebSocket,
      fetchImpl: (...args) => win.fetch(...args),
    });
    win.Frontdoor.widget = widget;
    const waiting = win.Frontdoor.pendingTask;
    win.Frontdoor.pendingTask = null;
    if (waiting) widget.startTask(waiting.text, waiting.payload);
  });
  return null;
}

// A "Start now" button (data-frontdoor-start="/ask_bin_day") opens the chat on
// that task: the bot gets the payload, the resident sees the button's words.
const TASK_PAYLOAD = /^\/[a-z][a-z0-9_]{0,60}$/;

function taskFrom(button) {
  const payload = button.getAttribute("data-frontdoor-start") || "";
  const text = (button.getAttribute("data-frontdoor-start-text") || button.textContent || "").trim();
  return TASK_PAYLOAD.test(payload) && text ? { payload, text: text.slice(0, 200) } : null;
}

(function install(win) {
  if (!win || !win.document) return;
  if (win.Frontdoor && win.Frontdoor.version) return; // the script ran already
  const script = win.document.currentScript;
  const api = {
    version: VERSION,
    widget: null,
    pendingTask: null,
    // For pages that build the widget from code instead of data attributes:
    // Frontdoor.init({frontdoorUrl, council, language, colour, identityToken}).
    init(options = {}) {
      return boot(win, script, options);
    },
    open() {
      if (api.widget) api.widget.open();
    },
    close() {
      if (api.widget) api.widget.close();
    },
    setLanguage(language) {
      if (api.widget) api.widget.setLanguage(language);
    },
  };
  win.Frontdoor = api;
  // A link to "#chat" (the site's "Skip to the online assistant") opens the
  // chat and puts focus in it, as does arriving at a page whose address ends #chat.
  const openFromLink = (event) => {
    const link = event.target && event.target.closest ? event.target.closest('a[href="#chat"]') : null;
    if (!link || !api.widget) return;
    event.preventDefault();
    api.open();
  };
  // Without the widget (no script, no service) the button stays a link to its href.
  const startFromButton = (event) => {
    const button = event.target && event.target.closest ? event.target.closest("[data-frontdoor-start]") : null;
    const task = button && taskFrom(button);
    if (!task || !(api.widget || api.starting)) return;
    event.preventDefault();
    if (api.widget) api.widget.startTask(task.text, task.payload);
    else api.pendingTask = task; // the stylesheet is still loading: start once it has
  };
  const start = () => {
    if (script && script.dataset && script.dataset.frontdoorUrl !== undefined) boot(win, script);
    win.document.addEventListener("click", openFromLink);
    win.document.addEventListener("click", startFromButton);
    if (win.location && win.location.hash === "#chat") api.open();
  };
  if (win.document.readyState === "loading") win.document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})(typeof window === "undefined" ? undefined : window);
