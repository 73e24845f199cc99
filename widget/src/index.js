// Entry point of the bundle. One global, window.Frontdoor, and an init
// guard: a page that includes the script twice (or calls init again) gets
// the same widget, never two launchers.
//
//   <script src="https://chat.example.gov.uk/widget/frontdoor-widget.js"
//           data-frontdoor-url="https://chat.example.gov.uk"
//           data-council="Bramblefield District Council"
//           data-language="en" defer></script>

import { readConfig } from "./config.js";
import { CSS } from "./styles.js";
import { sessionStore, preferenceStore } from "./storage.js";
import { createWidget } from "./widget.js";

export const VERSION = "1.0.0";

function addStyles(doc, nonce) {
  if (doc.getElementById("fd-styles")) return;
  const style = doc.createElement("style");
  style.id = "fd-styles";
  // A page with a strict Content-Security-Policy can allow the widget's
  // styles by giving the script tag a nonce; we pass it on.
  if (nonce) style.setAttribute("nonce", nonce);
  style.textContent = CSS;
  doc.head.append(style);
}

function boot(win, script, overrides = {}) {
  const existing = win.Frontdoor;
  if (existing && existing.widget) return existing.widget;
  const doc = win.document;
  const config = readConfig(script, win.location.href, overrides);
  if (!config.serviceUrl) {
    win.console.warn("Frontdoor: data-frontdoor-url is missing or not an http(s) URL; the chat widget is off.");
    return null;
  }
  addStyles(doc, script && script.nonce);
  const widget = createWidget({
    win,
    doc,
    config,
    session: sessionStore(win),
    prefs: preferenceStore(win),
    WebSocketImpl: win.WebSocket,
    fetchImpl: win.fetch.bind(win),
  });
  win.Frontdoor.widget = widget;
  return widget;
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
  const start = () => {
    if (script && script.dataset && script.dataset.frontdoorUrl !== undefined) boot(win, script);
  };
  if (win.document.readyState === "loading") win.document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})(typeof window === "undefined" ? undefined : window);
