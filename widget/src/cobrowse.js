// Co-browsing, the part that is always in the core bundle: the consent
// prompt, the "sharing this page" bar and loading the recorder. The recorder
// itself (rrweb) is the separate frontdoor-cobrowse.js, fetched only after the
// resident presses Allow: before that nothing on the page is read or sent.
// Sharing survives page loads of this tab for this conversation only (a flag
// in sessionStorage, acted on only when the server says the session is on).

import { el } from "./dom.js";

const RECORDER_WAIT_MS = 15000;
// what the resident is told in the chat when sharing ends other than by their own Stop
const STOPPED_KEYS = { advisor_stopped: "cobrowseAdvisorStopped", too_large: "cobrowseTooLarge" };

export function createCobrowse({ win, doc, refs, config, session, send, buffered, announce, notice = () => {}, openPanel, closePanel = () => {}, translate }) {
  let prompt = null;
  let bar = null;
  let barWatch = null;
  let recorder = null;
  let advisor = "";
  let settings = {};
  let starting = null;

  function t(key, vars = {}) {
    return translate()(key, { name: advisor, ...vars });
  }

  function receive(frame, conversationId) {
    if (frame.action === "request") {
      advisor = String(frame.advisor || "");
      settings = frame.settings || {};
      showPrompt();
    } else if (frame.action === "allowed") {
      // the server has recorded the consent; the recorder starts (or already has)
    } else if (frame.action === "resume") {
      const flag = session.getJSON("cobrowse");
      if (flag && flag.conversation === conversationId) {
        advisor = String(frame.advisor || flag.advisor || "");
        settings = frame.settings || {};
        start(conversationId);
      } else {
        send({ type: "cobrowse_stop" }); // this tab never agreed: end it rather than guess
      }
    } else if (frame.action === "stopped") {
      const wasSharing = Boolean(bar);
      end();
      if (wasSharing) {
        // said in the chat, where the resident is looking, not only to screen readers
        const key = STOPPED_KEYS[frame.reason] || "cobrowseStopped";
        announce(t(key));
        notice(key, { name: advisor });
      }
    } else if (frame.action === "snapshot") {
      if (recorder) recorder.snapshot();
    } else if (frame.action === "guide") {
      if (recorder) reveal(recorder.guide(frame, (label) => announce(t("cobrowseGuide", { label: label || t("cobrowseHere") }))));
    }
  }

  // The advisor points at the page, so the resident must see it: a chat panel
  // over the ring (the whole screen on a phone) is put away (the launcher
  // brings it back), and a ring off screen is scrolled into view.
  function reveal(ring) {
    if (!ring || typeof ring.getBoundingClientRect !== "function") return;
    const panel = refs.panel;
    if (panel && !panel.hidden) {
      const a = ring.getBoundingClientRect();
      const b = panel.getBoundingClientRect();
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) closePanel();
    }
    const box = ring.getBoundingClientRect();
    if ((box.top < 0 || box.bottom > win.innerHeight) && ring.scrollIntoView) ring.scrollIntoView({ block: "center" });
  }

  function showPrompt() {
    removePrompt();
    openPanel();
    const heading = el(doc, "h3", { id: "fd-cobrowse-heading", className: "fd-cobrowse-heading", tabindex: "-1", text: t("cobrowseAsk") });
    const allow = el(doc, "button", { id: "fd-cobrowse-allow", type: "button", className: "fd-primary", text: t("cobrowseAllow") });
    const decline = el(doc, "button", { id: "fd-cobrowse-decline", type: "button", text: t("cobrowseDecline") });
    prompt = el(doc, "div", { id: "fd-cobrowse-prompt", className: "fd-cobrowse-prompt", role: "group", "aria-labelledby": "fd-cobrowse-heading" }, [
      heading,
      el(doc, "ul", { className: "fd-cobrowse-list" }, [
        el(doc, "li", { text: t("cobrowseWhat") }),
        el(doc, "li", { text: t("cobrowseHidden") }),
        el(doc, "li", { text: t("cobrowseNoControl") }),
      ]),
      el(doc, "div", { className: "fd-actions" }, [allow, decline]),
    ]);
    allow.addEventListener("click", () => answer(true));
    decline.addEventListener("click", () => answer(false));
    refs.forms.append(prompt);
    announce(t("cobrowseAsk"));
    heading.focus();
  }

  function removePrompt() {
    if (prompt) prompt.remove();
    prompt = null;
  }

  function answer(allow) {
    const hadFocus = prompt && prompt.contains(doc.activeElement);
    removePrompt();
    if (hadFocus) refs.input.focus();
    if (!allow) {
      send({ type: "cobrowse_consent", allow: false });
      announce(t("cobrowseDeclined"));
      return;
    }
    send({ type: "cobrowse_consent", allow: true });
    start(null);
  }

  function start(conversationId) {
    if (starting || recorder) return;
    const id = conversationId || (session.getJSON("conversation") || {}).id;
    session.setJSON("cobrowse", { conversation: id, advisor });
    showBar();
    starting = loadRecorder()
      .then((module) => {
        starting = null;
        if (!bar) return; // stopped while it loaded
        recorder = module.start({
          win,
          doc,
          settings,
          send,
          buffered,
          onTooLarge: (size) => {
            send({ type: "cobrowse_too_large", size });
            end();
            announce(t("cobrowseTooLarge"));
          },
        });
      })
      .catch(() => {
        starting = null;
        send({ type: "cobrowse_stop" });
        end();
        announce(t("cobrowseFailed"));
      });
  }

  function loadRecorder() {
    if (win.FrontdoorCobrowse) return Promise.resolve(win.FrontdoorCobrowse);
    return new Promise((resolve, reject) => {
      const script = doc.createElement("script");
      script.src = `${config.serviceUrl}/widget/frontdoor-cobrowse.js`;
      script.async = true;
      const timer = win.setTimeout(() => reject(new Error("timeout")), RECORDER_WAIT_MS);
      script.addEventListener("load", () => {
        win.clearTimeout(timer);
        if (win.FrontdoorCobrowse) resolve(win.FrontdoorCobrowse);
        else reject(new Error("no recorder"));
      });
      script.addEventListener("error", () => {
        win.clearTimeout(timer);
        reject(new Error("failed"));
      });
      doc.head.append(script);
    });
  }

  function showBar() {
    if (bar) return;
    const stop = el(doc, "button", { id: "fd-cobrowse-stop", type: "button", className: "fd-primary", text: t("cobrowseStop") });
    stop.addEventListener("click", () => {
      end(); // the recorder stops first: nothing is sent after this click
      send({ type: "cobrowse_stop" });
      announce(t("cobrowseStopped"));
    });
    bar = el(doc, "div", { id: "fd-cobrowse-bar", className: "fd-root fd-cobrowse-bar", role: "region", "aria-label": t("cobrowseSharing") }, [
      el(doc, "p", { className: "fd-cobrowse-bar__text", text: t("cobrowseSharing") }),
      stop,
    ]);
    bar.setAttribute("lang", refs.root.getAttribute("lang") || "en");
    doc.body.prepend(bar);
    // the full-screen panel on a phone starts below the bar rather than under it
    const fit = () => bar && refs.root.style.setProperty("--fd-cobrowse-bar", `${bar.offsetHeight}px`);
    fit();
    if (win.ResizeObserver) {
      barWatch = new win.ResizeObserver(fit);
      barWatch.observe(bar);
    }
    announce(t("cobrowseSharing"));
  }

  function end() {
    removePrompt();
    if (recorder) recorder.stop();
    recorder = null;
    if (bar) {
      const hadFocus = bar.contains(doc.activeElement);
      bar.remove();
      if (hadFocus) refs.launcher.focus();
    }
    if (barWatch) barWatch.disconnect();
    barWatch = null;
    refs.root.style.removeProperty("--fd-cobrowse-bar");
    bar = null;
    session.remove("cobrowse");
  }

  function stateChanged(state) {
    // handing back to the bot, a transfer or the end of the chat ends sharing
    if ((bar || prompt) && state !== "with_advisor") end();
  }

  return {
    receive,
    stateChanged,
    end,
    get sharing() {
      return Boolean(bar);
    },
  };
}
