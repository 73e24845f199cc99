// Renders the conversation model into the panel built by ui/panel.js.
// Incremental for new items (so focus and scroll position survive), full
// for a language switch or a transcript reload.

import { show, setText } from "./dom.js";
import { describeWait } from "./i18n.js";
import { renderItem, announcement } from "./ui/messages.js";
import { applyText } from "./ui/panel.js";

export function createView(doc, refs, { base }) {
  const nodes = new Map();
  let t = null;

  function nearBottom() {
    const body = refs.body;
    return body.scrollHeight - body.scrollTop - body.clientHeight < 80;
  }

  // The transcript scrolls on its own, except on a tiny screen where the
  // whole panel does (styles.css): set both, the one that cannot scroll
  // ignores it.
  function scrollToEnd() {
    refs.body.scrollTop = refs.body.scrollHeight;
    refs.panel.scrollTop = refs.panel.scrollHeight;
  }

  // Bring a node that has just appeared (quick replies) fully into the
  // transcript's view, without scrolling past its top.
  function reveal(node) {
    const body = refs.body;
    if (body.scrollHeight <= body.clientHeight) {
      if (refs.panel.scrollHeight > refs.panel.clientHeight) node.scrollIntoView({ block: "nearest" });
      return;
    }
    const box = body.getBoundingClientRect();
    const own = node.getBoundingClientRect();
    if (own.bottom > box.bottom) body.scrollTop += Math.min(own.bottom - box.bottom + 8, own.top - box.top);
  }

  // The footer grows (a "Leave a message" button appears), the queue box opens
  // above the transcript, or the keyboard takes room: the transcript's box
  // shrinks. A reader who was at the latest message before it shrank stays
  // there instead of losing its end. Judged from the box's previous height, not
  // from scroll events, which can arrive between two such changes.
  let height = refs.body.clientHeight;
  const win = doc.defaultView;
  if (win && win.ResizeObserver) {
    new win.ResizeObserver(() => {
      const body = refs.body;
      const wasAtEnd = body.scrollHeight - body.scrollTop - height < 80;
      height = body.clientHeight;
      if (wasAtEnd) scrollToEnd();
    }).observe(refs.body);
  }

  function announce(text) {
    if (!text) return;
    const line = doc.createElement("p");
    line.textContent = text;
    refs.announcer.append(line);
    // Keep the region short; screen readers only read what is added.
    while (refs.announcer.childNodes.length > 3) refs.announcer.firstChild.remove();
  }

  function renderAllItems(model) {
    nodes.clear();
    refs.messages.replaceChildren();
    for (const item of model.items) {
      const node = renderItem(doc, item, t, { base });
      nodes.set(item.key, node);
      refs.messages.append(node);
    }
    scrollToEnd();
  }

  function renderItemChange(change) {
    const stick = nearBottom() || change.item.author === "resident";
    const node = renderItem(doc, change.item, t, { base });
    const existing = nodes.get(change.item.key);
    if (existing) existing.replaceWith(node);
    else {
      const before = change.before ? nodes.get(change.before) : null;
      refs.messages.insertBefore(node, before || null);
    }
    nodes.set(change.item.key, node);
    if (stick) scrollToEnd();
    return change.announce ? announcement(change.item, t) : null;
  }

  function renderState(model, flags) {
    const { state, advisorName, queue, typing } = model;
    const over = state === "closed" || flags.gone;
    const subtitles = {
      bot: t("subtitleBot"),
      waiting: t("subtitleWaiting"),
      with_advisor: advisorName ? t("subtitleAdvisor", { name: advisorName }) : t("subtitleWaiting"),
      closed: t("subtitleClosed"),
    };
    setText(refs.subtitle, flags.gone ? t("subtitleClosed") : subtitles[state]);
    show(refs.human, state === "bot" && !over);
    show(refs.leaveMessage, state === "bot" && !over && Boolean(model.notice && model.notice.canLeaveMessage) && !flags.leaving);
    show(refs.end, state === "with_advisor" && !flags.gone);
    show(refs.newChat, over);
    show(refs.composer, !over);
    show(refs.download, model.items.length > 0);
    show(refs.queue, state === "waiting" && !flags.gone);
    if (state === "waiting") {
      setText(refs.queuePosition, queue && queue.position ? t("queuePosition", { position: queue.position }) : t("stateWaiting"));
      setText(refs.queueWait, describeWait(t, queue ? queue.estimatedWaitSeconds : null));
      show(refs.queueLeaveMessage, !flags.leaving);
    }
    const typingName = typing && (typing.author === "bot" ? t("assistant") : advisorName || t("advisor"));
    show(refs.typing, Boolean(typing) && !over);
    if (typing) setText(refs.typing, t("typing", { name: typingName }));
  }

  let quickShown = "";

  function renderQuickReplies(model, onPick) {
    const last = model.items[model.items.length - 1];
    const buttons = last && last.kind === "message" && last.author === "bot" && model.state === "bot" ? last.buttons : [];
    refs.quick.replaceChildren();
    for (const button of buttons) {
      if (!button.title) continue;
      const node = doc.createElement("button");
      node.type = "button";
      node.className = "fd-quick-reply";
      node.textContent = button.title;
      node.addEventListener("click", () => onPick(button));
      refs.quick.append(node);
    }
    show(refs.quick, refs.quick.childNodes.length > 0);
    // New suggestions come into view on every screen size.
    const shown = refs.quick.textContent;
    if (shown && shown !== quickShown && !refs.panel.hidden) reveal(refs.quick);
    quickShown = shown;
  }

  function renderConnection(text) {
    show(refs.connection, Boolean(text));
    if (text) setText(refs.connection, text);
  }

  function setBadge(count) {
    show(refs.badge, count > 0);
    show(refs.badgeLong, count > 0);
    if (count > 0) {
      setText(refs.badge, t("unread", { count }));
      setText(refs.badgeLong, count === 1 ? t("unreadLongOne") : t("unreadLong", { count }));
    }
  }

  return {
    setTranslator(next, options) {
      t = next;
      applyText(refs, t, options);
    },
    renderAllItems,
    renderItemChange,
    renderState,
    renderQuickReplies,
    renderConnection,
    setBadge,
    announce,
    scrollToEnd,
    nearBottom,
  };
}
