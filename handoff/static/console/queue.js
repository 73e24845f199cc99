// The queue for my teams and the chats offered to me (PROTOCOL.md §3.3:
// `queue`, `offer`, `offer_withdrawn`).

import { el, duration, humanise, uid } from "./dom.js";

// How long the resident has been away from the page (null while they are there):
// said in words, so it never rests on a colour.
export function awayText(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return "";
  const minutes = Math.floor(Math.max(0, Number(seconds)) / 60);
  const ago = minutes < 1 ? "less than a minute ago" : `${minutes} min ago`;
  return `Resident left the page ${ago}. They may not be there to answer.`;
}

// Seconds away now: from when they were last heard (ticking), else as the server said.
export function awaySeconds(item, now = Date.now()) {
  if (!item || item.resident_away_seconds == null) return null;
  const since = Date.parse(item.resident_away_since);
  if (!Number.isFinite(since)) return item.resident_away_seconds;
  return Math.max(item.resident_away_seconds, Math.round((now - since) / 1000));
}

function awayLine(item) {
  const text = awayText(awaySeconds(item));
  return text ? el("p", { className: "queue-item__away", "data-away-since": item.resident_away_since, "data-away-seconds": item.resident_away_seconds, text }) : null;
}

function tags(item) {
  return [
    item.priority === "urgent" ? el("span", { className: "tag tag--urgent", text: "Urgent" }) : null,
    item.resident_away_seconds != null ? el("span", { className: "tag tag--away", text: "Away" }) : null,
    item.verified ? el("span", { className: "tag tag--verified", text: "Verified" }) : null,
    item.language === "cy" ? el("span", { className: "tag", text: "Welsh", lang: "en" }) : null,
    el("span", { className: "tag", text: humanise(item.team) }),
  ];
}

export function renderQueue({ list, empty, count }, items, { onAccept, offers }) {
  list.replaceChildren();
  const waiting = items.filter((item) => !offers.has(item.conversation_id));
  for (const item of waiting) {
    const headingId = uid("queue-item");
    list.append(
      el("li", { className: `queue-item${item.priority === "urgent" ? " queue-item--urgent" : ""}`, "data-conversation": item.conversation_id }, [
        el("h3", { className: "heading-s", id: headingId, text: item.reason ? humanise(item.reason) : "Resident asked for a person" }),
        el("div", { className: "queue-item__meta" }, tags(item)),
        item.summary ? el("p", { text: item.summary }) : null,
        el("p", { className: "muted", text: `Position ${item.position}. Waiting ${duration(item.wait_seconds)}.` }),
        awayLine(item),
        el("div", { className: "actions" }, [
          el("button", { type: "button", className: "button button--small", "aria-describedby": headingId, text: "Accept", on: { click: (e) => onAccept(item.conversation_id, e.currentTarget) } }),
        ]),
        el("p", { className: "field-error", role: "status", "data-error-for": item.conversation_id }),
      ]),
    );
  }
  empty.hidden = waiting.length > 0 || offers.size > 0;
  count.textContent = `(${items.length})`;
}

export function renderOffers(container, offers, { onAccept, onDecline }) {
  container.replaceChildren();
  for (const [conversationId, offer] of offers) {
    const item = offer.item || {};
    const headingId = uid("offer");
    const remaining = Math.max(0, Math.round((Date.parse(offer.expires_at) - Date.now()) / 1000));
    container.append(
      el("div", { className: "offer", role: "group", "aria-labelledby": headingId, "data-conversation": conversationId }, [
        el("h3", { className: "heading-s", id: headingId, text: "Chat offered to you" }),
        el("div", { className: "queue-item__meta" }, tags({ team: item.team || (offer.chat && offer.chat.team), ...item })),
        el("p", { text: item.summary || (item.reason ? humanise(item.reason) : "A resident asked to talk to a person.") }),
        awayLine(item),
        el("p", { className: "muted offer__countdown", text: Number.isFinite(remaining) ? acceptWithin(remaining) : "" }),
        el("div", { className: "actions" }, [
          el("button", { type: "button", className: "button button--small", text: "Accept", "aria-describedby": headingId, on: { click: (e) => onAccept(conversationId, e.currentTarget) } }),
          el("button", { type: "button", className: "button button--small button--secondary", text: "Decline", "aria-describedby": headingId, on: { click: () => onDecline(conversationId) } }),
        ]),
        el("p", { className: "field-error", role: "status", "data-error-for": conversationId }),
      ]),
    );
  }
}

export function acceptWithin(seconds) {
  // the last moment (the server moves it on at its next tick): no "within 0 seconds"
  if (seconds <= 0) return "Accept now or it goes to the next advisor.";
  return `Accept within ${seconds} second${seconds === 1 ? "" : "s"} or it goes to the next advisor.`;
}

// An offer frame carries the chat's queue item as it was when it was offered; later
// queue frames say more (the resident left the page since), so they replace it.
export function freshenOffers(offers, items) {
  for (const item of items) {
    const offer = offers.get(item.conversation_id);
    if (offer) offer.item = item;
  }
}

// Tick how long residents have been away, without rebuilding (which would move focus).
export function tickAway(container, now = Date.now()) {
  for (const node of container.querySelectorAll(".queue-item__away")) {
    const item = { resident_away_since: node.getAttribute("data-away-since"), resident_away_seconds: Number(node.getAttribute("data-away-seconds")) };
    node.textContent = awayText(awaySeconds(item, now));
  }
}

// Tick the countdowns without rebuilding (which would move focus).
export function tickOffers(container, offers) {
  for (const node of container.querySelectorAll(".offer")) {
    const offer = offers.get(node.getAttribute("data-conversation"));
    if (!offer) continue;
    const remaining = Math.max(0, Math.round((Date.parse(offer.expires_at) - Date.now()) / 1000));
    const text = node.querySelector(".offer__countdown");
    if (text && Number.isFinite(remaining)) text.textContent = acceptWithin(remaining);
  }
}
