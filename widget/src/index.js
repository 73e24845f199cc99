// Entry point of the bundle. One global, window.Frontdoor, and an init
// guard: a page that includes the script twice (or calls init again) gets
// the same widget, never two launchers.
//
//   <script src="https://chat.example.gov.uk/widget/frontdoor-widget.js"
//           data-frontdoor-url="https://chat.example.gov.uk"
//           data-council="Bramblefield District Council"
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
    win.Frontdoor.widget = createWidget({
      win,
      doc,
      config,
      session: sessionStore(win),
      prefs: preferenceStore(win),
      WebSocketImpl: win.WebSocket,
      fetchImpl: (...args) => win.fetch(...args),
    });
  });
  return null;
}

(function install(win) {
  if (!win || !win.document) return;
  if (win.Frontdoor && win.Frontdoor.version) return; // the script ran already
  const script = win.document.currentScript;
  const api = {
    version: VERSION,
    widget: null,
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
  const start = () => {
    if (script && script.dataset && script.dataset.frontdoorUrl !== undefined) boot(win, script);
    win.document.addEventListener("click", openFromLink);
    if (win.location && win.location.hash === "#chat") api.open();
  };
  if (win.document.readyState === "loading") win.document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})(typeof window === "undefined" ? undefined : window);
