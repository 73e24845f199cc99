// The widget's fixed skeleton: launcher, dialog, header, queue box,
// transcript, footer. Builds the elements once and hands back references;
// widget.js decides what is shown. Every string is set in applyText(), so a
// language switch is one call.

import { el } from "../dom.js";

export function buildPanel(doc, { onToggle, onClose, onLanguage, onDownload }) {
  const r = {};
  r.root = el(doc, "div", { id: "fd-root", className: "fd-root" });
  // The live region exists before anything is written to it, or screen
  // readers miss the first announcement.
  r.announcer = el(doc, "div", { id: "fd-announcer", className: "fd-visually-hidden", "aria-live": "polite" });
  r.launcherLabel = el(doc, "span", { className: "fd-launcher-label" });
  r.badge = el(doc, "span", { className: "fd-badge", hidden: true, "aria-hidden": "true" });
  r.badgeLong = el(doc, "span", { className: "fd-visually-hidden", hidden: true });
  r.launcher = el(
    doc,
    "button",
    {
      id: "fd-launcher",
      type: "button",
      className: "fd-launcher fd-primary",
      "aria-expanded": "false",
      "aria-controls": "fd-panel",
      on: { click: onToggle },
    },
    [r.launcherLabel, r.badge, r.badgeLong],
  );

  r.title = el(doc, "h2", { id: "fd-title", className: "fd-title", tabindex: "-1" });
  r.subtitle = el(doc, "p", { id: "fd-subtitle", className: "fd-subtitle" });
  r.language = el(doc, "button", { id: "fd-language", type: "button", className: "fd-tool", on: { click: onLanguage } });
  r.download = el(doc, "button", { id: "fd-download", type: "button", className: "fd-tool", hidden: true, on: { click: onDownload } });
  r.close = el(doc, "button", { id: "fd-close", type: "button", className: "fd-tool fd-close", on: { click: onClose } }, [
    el(doc, "span", { "aria-hidden": "true", text: "×" }),
  ]);
  const header = el(doc, "div", { className: "fd-header" }, [
    el(doc, "div", { className: "fd-heading" }, [r.title, r.subtitle]),
    el(doc, "div", { className: "fd-tools" }, [r.language, r.download, r.close]),
  ]);

  r.connection = el(doc, "p", { id: "fd-connection", className: "fd-connection", hidden: true });

  r.queuePosition = el(doc, "p", { className: "fd-queue-position" });
  r.queueWait = el(doc, "p", { className: "fd-queue-wait" });
  r.leaveQueue = el(doc, "button", { id: "fd-leave-queue", type: "button" });
  r.queueLeaveMessage = el(doc, "button", { id: "fd-queue-leave-message", type: "button" });
  r.queue = el(doc, "div", { id: "fd-queue", className: "fd-queue", hidden: true }, [
    r.queuePosition,
    r.queueWait,
    el(doc, "div", { className: "fd-actions" }, [r.leaveQueue, r.queueLeaveMessage]),
  ]);

  r.intro = el(doc, "p", { className: "fd-intro" });
  // One line before the first message: what happens to the chat, and where to read more.
  r.privacyText = el(doc, "span");
  r.privacyLink = el(doc, "a", { id: "fd-privacy-link", target: "_blank", rel: "noopener" });
  r.privacy = el(doc, "p", { id: "fd-privacy", className: "fd-privacy" }, [r.privacyText, " ", r.privacyLink]);
  r.messages = el(doc, "ol", { id: "fd-messages", className: "fd-messages" });
  r.typing = el(doc, "p", { id: "fd-typing", className: "fd-typing", hidden: true });
  r.quick = el(doc, "div", { id: "fd-quick", className: "fd-quick", role: "group", hidden: true });
  r.forms = el(doc, "div", { id: "fd-forms" });
  // The transcript scrolls on its own, so it must be reachable by keyboard.
  r.body = el(doc, "div", { id: "fd-body", className: "fd-body", role: "region", tabindex: "0" }, [
    r.privacy,
    r.intro,
    r.messages,
    r.typing,
    r.quick,
    r.forms,
  ]);

  r.human = el(doc, "button", { id: "fd-human", type: "button" });
  r.leaveMessage = el(doc, "button", { id: "fd-leave-message", type: "button", hidden: true });
  r.end = el(doc, "button", { id: "fd-end", type: "button", hidden: true });
  r.newChat = el(doc, "button", { id: "fd-new-chat", type: "button", className: "fd-primary", hidden: true });
  r.inputLabel = el(doc, "label", { for: "fd-input", className: "fd-visually-hidden" });
  r.input = el(doc, "textarea", { id: "fd-input", rows: "2", maxlength: "4000", autocomplete: "off" });
  r.send = el(doc, "button", { id: "fd-send", type: "submit", className: "fd-primary" });
  r.cardWarning = el(doc, "p", { id: "fd-card-warning", className: "fd-card-warning", role: "alert", hidden: true });
  r.composer = el(doc, "form", { id: "fd-composer", className: "fd-composer", novalidate: true }, [
    r.cardWarning,
    r.inputLabel,
    r.input,
    r.send,
  ]);
  const footer = el(doc, "div", { className: "fd-footer" }, [
    el(doc, "div", { className: "fd-actions" }, [r.human, r.leaveMessage, r.end, r.newChat]),
    r.composer,
  ]);

  r.panel = el(doc, "section", { id: "fd-panel", className: "fd-panel", role: "dialog", "aria-labelledby": "fd-title", hidden: true }, [
    header,
    r.connection,
    r.queue,
    r.body,
    footer,
  ]);
  r.root.append(r.announcer, r.panel, r.launcher);
  return r;
}

// The knowledge site's privacy article in each language (its routes serve
// every article at /articles/<slug>; knowledge/content/*/general/).
export const DEFAULT_PRIVACY_PATHS = {
  en: "/articles/privacy-and-data-protection",
  cy: "/articles/preifatrwydd-a-diogelu-data",
};

// Where the notice links: the page's own privacy URL for this language
// (config.js), else the knowledge site's article in it.
export function privacyHref(privacyUrl, language) {
  const configured = typeof privacyUrl === "string" ? privacyUrl : privacyUrl && privacyUrl[language];
  return configured || DEFAULT_PRIVACY_PATHS[language] || DEFAULT_PRIVACY_PATHS.en;
}

export function applyText(r, t, { language, council, privacyUrl }) {
  r.root.setAttribute("lang", language);
  r.launcherLabel.textContent = t("launcher");
  // On a phone the launcher shrinks to this short word (styles.css) so it covers less.
  r.launcher.setAttribute("data-short", t("launcherShort"));
  r.title.textContent = council || t("councilFallback");
  r.language.textContent = t("otherLanguage");
  r.language.setAttribute("lang", t("otherLanguageCode"));
  r.download.textContent = t("download");
  r.close.setAttribute("aria-label", t("close"));
  r.close.setAttribute("title", t("close"));
  r.leaveQueue.textContent = t("leaveQueue");
  r.queueLeaveMessage.textContent = t("leaveMessage");
  r.intro.textContent = t("intro");
  r.privacyText.textContent = t("privacyNotice");
  r.privacyLink.textContent = t("privacyLink");
  r.privacyLink.setAttribute("href", privacyHref(privacyUrl, language));
  r.cardWarning.textContent = t("cardWarning");
  r.messages.setAttribute("aria-label", t("conversation"));
  r.body.setAttribute("aria-label", t("conversation"));
  r.quick.setAttribute("aria-label", t("suggestedReplies"));
  r.human.textContent = t("requestHuman");
  r.leaveMessage.textContent = t("leaveMessage");
  r.end.textContent = t("endChat");
  r.newChat.textContent = t("newChat");
  r.inputLabel.textContent = t("inputLabel");
  r.input.setAttribute("placeholder", t("placeholder"));
  r.send.textContent = t("send");
}
