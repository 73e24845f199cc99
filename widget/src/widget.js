// The controller: wires the conversation model, the socket, storage and
// the view together, and owns the resident's actions. Everything from the
// outside world (window, document, WebSocket, fetch, timers) is passed in.

import { createApi } from "./api.js";
import { createCobrowse } from "./cobrowse.js";
import { socketUrl } from "./config.js";
import { createConnection } from "./connection.js";
import { createConversation } from "./conversation.js";
import { createLauncherPlacement } from "./launcher.js";
import { looksLikeCardNumber } from "./cardcheck.js";
import { translator } from "./i18n.js";
import { transcriptFilename, transcriptText, downloadText } from "./transcript.js";
import { buildPanel } from "./ui/panel.js";
import { leaveMessageForm, ratingForm } from "./ui/forms.js";
import { createView } from "./view.js";
import { backoffDelay } from "./backoff.js";

const ACK_INTERVAL_MS = 1000;
const TYPING_MIN_INTERVAL_MS = 3000;
const TYPING_IDLE_MS = 5000;

export function createWidget({ win, doc, config, session, prefs, WebSocketImpl, fetchImpl, timers = win }) {
  const api = createApi(config.serviceUrl, fetchImpl);
  const base = win.location.href;
  let stored = session.getJSON("conversation");
  let language = chooseLanguage();
  let t = translator(language);
  let model = createConversation({ seen: stored ? stored.seen || 0 : 0, outbox: stored ? stored.outbox || [] : [] });
  let connection = null;
  let creating = null;
  const control = []; // frames without client_id, sent once the socket is open
  const flags = { gone: false, leaving: false, ratingDone: Boolean(stored && stored.ratingDone), lost: false };
  let unread = 0;
  let lastAcked = 0;
  let ackTimer = null;
  let resend = null;
  let typingOn = false;
  let typingChangedAt = 0;
  let typingIdle = null;

  const refs = buildPanel(doc, { onToggle: toggle, onClose: close, onLanguage: switchLanguage, onDownload: download });
  const view = createView(doc, refs, { base });
  refs.root.style.setProperty("--fd-brand", config.colour);
  refs.root.style.setProperty("--fd-brand-text", config.colourText);
  // A phone (or short landscape) screen: the panel covers the page, so it
  // locks the page's scrolling and keeps Tab inside it (styles.css agrees).
  const phone = win.matchMedia ? win.matchMedia("(max-width:40em),(max-height:30em)") : null;
  refs.panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab" && phone && phone.matches) {
      const stops = [...refs.panel.querySelectorAll("button,a[href],textarea,input,[tabindex='0']")].filter(
        (node) => !node.disabled && !node.closest("[hidden]"),
      );
      const [first, last] = [stops[0], stops[stops.length - 1]];
      const wrapTo = event.shiftKey ? (doc.activeElement === first ? last : null) : doc.activeElement === last ? first : null;
      if (wrapTo) {
        event.preventDefault();
        wrapTo.focus();
      }
    }
  });
  // The on-screen keyboard shrinks the visual viewport, not the layout one:
  // size the panel to what is visible so the composer stays on screen.
  const viewport = win.visualViewport;
  function fitViewport() {
    const style = refs.panel.style;
    if (!viewport || refs.panel.hidden || Math.abs(viewport.scale - 1) > 0.01) {
      style.removeProperty("--fd-vv-height");
      style.removeProperty("--fd-vv-top");
      return;
    }
    const stick = view.nearBottom();
    style.setProperty("--fd-vv-height", `${viewport.height}px`);
    style.setProperty("--fd-vv-top", `${viewport.offsetTop}px`);
    if (stick) view.scrollToEnd();
  }
  if (viewport) {
    viewport.addEventListener("resize", fitViewport);
    viewport.addEventListener("scroll", fitViewport);
  }
  refs.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = refs.input.value.trim();
    if (!text) return refs.input.focus();
    // warn once about something that looks like a card number; a second Send sends
    // it, and the server removes the number before storing anything
    if (looksLikeCardNumber(text) && refs.cardWarning.hidden) {
      refs.cardWarning.hidden = false;
      return refs.input.focus();
    }
    refs.cardWarning.hidden = true;
    refs.input.value = "";
    sendText(text, null);
  });
  refs.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      refs.composer.requestSubmit();
    }
  });
  refs.input.addEventListener("input", typingChanged);
  refs.input.addEventListener("input", () => {
    if (!refs.cardWarning.hidden && !looksLikeCardNumber(refs.input.value)) refs.cardWarning.hidden = true;
  });
  refs.human.addEventListener("click", () => act({ type: "request_human" }));
  refs.leaveQueue.addEventListener("click", () => act({ type: "leave_queue" }));
  refs.end.addEventListener("click", () => act({ type: "close" }));
  refs.leaveMessage.addEventListener("click", openLeaveMessage);
  refs.queueLeaveMessage.addEventListener("click", openLeaveMessage);
  refs.newChat.addEventListener("click", newChat);
  // Whether the resident was working in the panel (rather than on the page),
  // so a state change never pulls focus away from the council's page.
  let focusInPanel = false;
  refs.panel.addEventListener("focusin", () => (focusInPanel = true));
  doc.addEventListener("focusin", (event) => (focusInPanel = refs.panel.contains(event.target)));
  doc.addEventListener("mousedown", (event) => {
    if (!refs.root.contains(event.target)) focusInPanel = false;
  });
  doc.body.append(refs.root);
  // the launcher moves or shrinks rather than cover the page (launcher.js)
  const placement = createLauncherPlacement({ win, doc, root: refs.root, launcher: refs.launcher, timers });
  placement.place();
  const cobrowse = createCobrowse({
    win,
    doc,
    refs,
    config,
    session,
    send,
    buffered: () => (connection ? connection.bufferedAmount() : 0),
    announce: (text) => view.announce(text),
    notice: (textKey, vars) => apply(model.notice(textKey, vars)),
    openPanel: () => {
      if (refs.panel.hidden) open({ focus: false });
    },
    closePanel: () => {
      if (!refs.panel.hidden) close();
    },
    translate: () => t,
  });

  view.setTranslator(t, { language, council: config.council, privacyUrl: config.privacyUrl });
  renderEverything();
  if (stored && stored.id) {
    connect();
    if (stored.open) open({ focus: false });
  }

  function chooseLanguage() {
    // The chat's language, when the bot switched to it, lasts while the chat does
    // (a reload or the next page in this tab). Otherwise a resident's toggle wins
    // over the page, but only on pages in the same language as when they chose
    // (a Welsh page still starts in Welsh).
    const spoken = stored && stored.language;
    if (spoken === "en" || spoken === "cy") return spoken;
    const choice = prefs.getJSON("language");
    if (choice && choice.page === config.language && (choice.chosen === "en" || choice.chosen === "cy")) return choice.chosen;
    return config.language;
  }

  function persist() {
    if (!stored || !stored.id) return;
    stored = { ...stored, ...model.snapshot(), open: !refs.panel.hidden, ratingDone: flags.ratingDone };
    session.setJSON("conversation", stored);
  }

  function forget() {
    cobrowse.end();
    session.remove("conversation");
    stored = null;
    if (connection) connection.stop();
    connection = null;
    creating = null;
    control.length = 0;
  }

  // ---- connection -------------------------------------------------------

  function ensureConversation(attempt = 0) {
    if (stored && stored.id) return Promise.resolve();
    if (creating) return creating;
    view.renderConnection(t("connecting"));
    creating = api
      .startConversation({ language, pageUrl: win.location.href, identityToken: config.identityToken })
      .then((created) => {
        stored = { id: created.conversation_id, token: created.conversation_token, cursor: 0, seen: 0, outbox: [] };
        creating = null;
        persist();
        connect();
      })
      .catch(() => {
        creating = null;
        const delay = backoffDelay(attempt);
        view.renderConnection(t("reconnecting", { seconds: Math.ceil(delay / 1000) }));
        return new Promise((resolve) => timers.setTimeout(resolve, delay)).then(() => ensureConversation(attempt + 1));
      });
    return creating;
  }

  function connect() {
    if (connection) connection.stop();
    connection = createConnection({
      urlFor: () =>
        socketUrl(config.serviceUrl, "ws/resident", { conversation_id: stored.id, token: stored.token, cursor: model.model.lastSeq }),
      WebSocketImpl,
      onFrame: receive,
      onStatus: connectionStatus,
      timers,
      win,
    });
    connection.start();
  }

  function connectionStatus(status, detail) {
    if (status === "open") {
      if (flags.lost) view.announce(t("reconnected"));
      flags.lost = false;
      view.renderConnection("");
    } else if (status === "waiting") {
      if (!flags.lost) view.announce(t("reconnecting", { seconds: Math.ceil(detail.delayMs / 1000) }));
      flags.lost = true;
      view.renderConnection(t("reconnecting", { seconds: Math.ceil(detail.delayMs / 1000) }));
    } else if (status === "offline") {
      if (!flags.lost) view.announce(t("offline"));
      flags.lost = true;
      view.renderConnection(t("offline"));
    } else if (status === "connecting") {
      if (flags.lost) view.renderConnection(t("connecting"));
    } else if (status === "stopped" && detail.reason !== "closed" && refs.panel.hidden) {
      // The stored chat no longer exists (say, the service's data was reset)
      // and the resident is not looking: start afresh without a fuss.
      forget();
      model = createConversation();
      flags.lost = false;
      view.renderConnection("");
      renderEverything();
    } else if (status === "stopped" && detail.reason !== "closed") {
      flags.gone = true;
      view.renderConnection(t("gone"));
      view.announce(t("gone"));
      forget();
      renderState();
    }
  }

  function send(frame) {
    return Boolean(connection && connection.send(frame));
  }

  function flush() {
    for (const frame of model.pendingFrames()) send(frame);
    while (control.length && send(control[0])) control.shift();
  }

  function act(frame) {
    if (!send(frame)) control.push(frame);
    ensureConversation();
  }

  // ---- frames in --------------------------------------------------------

  function receive(frame) {
    if (frame && frame.type === "cobrowse") return cobrowse.receive(frame, stored && stored.id);
    apply(model.receive(frame));
  }

  function apply(changes) {
    // The bot answered in the other language (the resident wrote in it): the
    // widget's own words follow before anything new is shown or read out.
    const spoken = spokenLanguage(changes);
    if (spoken && spoken !== language) followBot(spoken);
    let itemsChanged = false;
    for (const change of changes) {
      if (change.type === "item") {
        itemsChanged = true;
        const spoken = view.renderItemChange(change);
        if (spoken && change.isNew) {
          view.announce(spoken);
          if (refs.panel.hidden && change.item.kind === "message") view.setBadge((unread += 1));
        }
      } else if (change.type === "reset") {
        view.renderAllItems(model.model);
      } else if (change.type === "welcome") {
        flush();
      } else if (change.type === "reload") {
        reloadTranscript();
      } else if (change.type === "throttled" && resend === null) {
        // one resend of the whole outbox per wait, however many frames were refused
        // (a timer each would send n frames n times while the service is down)
        view.renderConnection(t("throttled"));
        resend = timers.setTimeout(() => {
          resend = null;
          view.renderConnection("");
          flush();
        }, change.retryAfter * 1000);
      } else if (change.type === "state" && change.state === "closed" && change.previous !== "closed") {
        stopTyping();
      }
      if (change.type === "state") cobrowse.stateChanged(change.state);
    }
    if (itemsChanged || changes.length) renderState();
    if (!refs.panel.hidden) scheduleAck();
    persist();
  }

  function reloadTranscript() {
    api
      .transcript(stored.id, stored.token)
      .then((transcript) => {
        apply(model.replaceWith(transcript));
        send({ type: "resume", cursor: model.model.lastSeq });
      })
      .catch(() => view.renderConnection(t("errorGeneric")));
  }

  function scheduleAck() {
    if (ackTimer !== null) return;
    ackTimer = timers.setTimeout(() => {
      ackTimer = null;
      const seq = model.model.lastSeq;
      if (seq > lastAcked && send({ type: "ack", seq })) lastAcked = seq;
    }, ACK_INTERVAL_MS);
  }

  // ---- resident actions ---------------------------------------------------

  function sendText(text, payload) {
    stopTyping();
    // "chosen": the resident pressed the language button since the bot last switched
    // it, so the bot answers in it even where their words would not say (actions.base)
    const chosen = stored && stored.chosen === language ? { language_chosen: true } : {};
    const { frame, changes } = model.compose(text, payload, { language, ...chosen });
    apply(changes);
    send(frame);
    ensureConversation();
  }

  function typingChanged() {
    if (model.model.state !== "with_advisor") return;
    const now = Date.now();
    if (!typingOn && refs.input.value && now - typingChangedAt >= TYPING_MIN_INTERVAL_MS) {
      typingOn = send({ type: "typing", on: true });
      typingChangedAt = now;
    }
    if (typingIdle !== null) timers.clearTimeout(typingIdle);
    typingIdle = timers.setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    if (typingIdle !== null) timers.clearTimeout(typingIdle);
    typingIdle = null;
    if (typingOn) send({ type: "typing", on: false });
    typingOn = false;
  }

  function openLeaveMessage() {
    flags.leaving = true;
    renderForms();
    renderState();
  }

  function renderForms() {
    refs.forms.replaceChildren();
    if (flags.leaving && !flags.gone && model.model.state !== "closed") {
      const form = leaveMessageForm(doc, t, {
        onSubmit: ({ text, contact }) => {
          flags.leaving = false;
          send(model.leaveMessage(text, contact));
          ensureConversation();
          renderForms();
          renderState();
          refs.input.focus();
        },
        onCancel: () => {
          flags.leaving = false;
          renderForms();
          renderState();
          refs.input.focus();
        },
      });
      refs.forms.append(form.form);
      form.focus();
    }
    const m = model.model;
    if (m.ratingRequested && !m.rated && !flags.ratingDone && !flags.gone) {
      const form = ratingForm(doc, t, {
        onSubmit: ({ stars, comment }) => {
          flags.ratingDone = true;
          act({ type: "rate", stars, comment });
          renderForms();
          refs.newChat.focus();
        },
        onSkip: () => {
          flags.ratingDone = true;
          renderForms();
          persist();
          refs.newChat.focus();
        },
      });
      refs.forms.append(form.form);
    }
  }

  function renderState() {
    view.renderState(model.model, flags);
    view.renderQuickReplies(model.model, (button) => {
      sendText(button.title, button.payload || null);
      refs.input.focus();
    });
    const hadRating = Boolean(refs.forms.querySelector(".fd-rating"));
    const wantsRating = model.model.ratingRequested && !model.model.rated && !flags.ratingDone && !flags.gone;
    if (hadRating !== wantsRating) renderForms();
    rescueFocus();
  }

  // If the control that had focus has just been hidden (the "Talk to a
  // person" button once queued, the composer once the chat closes), move
  // focus somewhere sensible instead of letting it fall to <body>.
  function rescueFocus() {
    if (refs.panel.hidden || !focusInPanel) return;
    const active = doc.activeElement;
    const dropped = !active || active === doc.body || (refs.panel.contains(active) && active.closest("[hidden]"));
    if (!dropped) return;
    const candidates = [refs.forms.querySelector(".fd-rating input"), refs.input, refs.newChat, refs.title];
    const target = candidates.find((node) => node && !node.closest("[hidden]"));
    if (target) target.focus();
  }

  function newChat() {
    forget();
    model = createConversation();
    flags.gone = false;
    flags.leaving = false;
    flags.ratingDone = false;
    lastAcked = 0;
    view.renderConnection("");
    renderEverything();
    refs.input.focus();
  }

  function renderEverything() {
    view.renderAllItems(model.model);
    renderForms();
    renderState();
  }

  function useLanguage(next) {
    language = next;
    t = translator(language);
    view.setTranslator(t, { language, council: config.council, privacyUrl: config.privacyUrl });
    view.setBadge(unread);
    placement.place(); // its label's length changed
  }

  function switchLanguage() {
    useLanguage(language === "en" ? "cy" : "en");
    prefs.setJSON("language", { page: config.language, chosen: language });
    // the resident's choice: the language the bot last answered in no longer holds,
    // and the bot is told with their next message that they chose this one
    if (stored && stored.id) {
      delete stored.language;
      stored.chosen = language;
      persist();
    }
    renderEverything();
    refs.language.focus();
  }

  // The language of the newest bot message in these changes that is news to the
  // resident (history replayed after a reload is not: it keeps their choice since).
  function spokenLanguage(changes) {
    let spoken = null;
    for (const change of changes) {
      const item = change.type === "item" && change.isNew && change.announce ? change.item : null;
      if (item && item.kind === "message" && item.author === "bot" && item.language) spoken = item.language;
    }
    return spoken;
  }

  // Not the resident's choice for the page (prefs), and no focus moves: the chat
  // keeps the language while it lasts, and a form being filled in is left as it is.
  function followBot(next) {
    useLanguage(next);
    if (stored && stored.id) stored = { ...stored, language: next, chosen: undefined };
    view.renderAllItems(model.model);
    renderState();
  }

  function download() {
    const now = new Date();
    downloadText(doc, transcriptText(model.model.items, t, { council: config.council, now }), transcriptFilename(now));
  }

  // ---- open and close -----------------------------------------------------

  function open({ focus = true } = {}) {
    refs.panel.hidden = false;
    doc.documentElement.classList.add("fd-locked");
    fitViewport();
    refs.launcher.setAttribute("aria-expanded", "true");
    unread = 0;
    view.setBadge(0);
    view.scrollToEnd();
    model.markSeen();
    scheduleAck();
    persist();
    if (focus) (refs.composer.hidden ? refs.title : refs.input).focus();
  }

  function close() {
    refs.panel.hidden = true;
    doc.documentElement.classList.remove("fd-locked");
    fitViewport();
    refs.launcher.setAttribute("aria-expanded", "false");
    persist();
    refs.launcher.focus();
    // A finished chat is over: the next open starts afresh.
    const m = model.model;
    if ((m.state === "closed" && (m.rated || flags.ratingDone || !m.ratingRequested)) || flags.gone) {
      forget();
      model = createConversation();
      flags.gone = false;
      flags.ratingDone = false;
      view.renderConnection("");
      renderEverything();
    }
  }

  function toggle() {
    if (refs.panel.hidden) open();
    else close();
  }

  // A "Start now" button on the council's page: a new chat if this one is over,
  // then the task's words as the resident's message and its payload for the bot.
  function startTask(text, payload) {
    if (flags.gone || model.model.state === "closed") newChat();
    open();
    sendText(text, payload);
  }

  return {
    open,
    close,
    startTask,
    setLanguage(next) {
      if ((next === "en" || next === "cy") && next !== language) switchLanguage();
    },
    destroy() {
      forget();
      refs.root.remove();
    },
    get state() {
      return model.model.state;
    },
  };
}
