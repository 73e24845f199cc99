// The queue for my teams and the chats offered to me (PROTOCOL.md §3.3:
// `queue`, `offer`, `offer_withdrawn`).

import { el, duration, humanise, uid } from "./dom.js";

function tags(item) {
  return [
    item.priority === "urgent" ? el("span", { className: "tag tag--urgent", text: "Urgent" }) : null,
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
        el("p", { className: "muted offer__countdown", text: Number.isFinite(remaining) ? `Accept within ${remaining} seconds or it goes to the next advisor.` : "" }),
        el("div", { className: "actions" }, [
          el("button", { type: "button", className: "button button--small", text: "Accept", "aria-describedby": headingId, on: { click: (e) => onAccept(conversationId, e.currentTarget) } }),
          el("button", { type: "button", className: "button button--small button--secondary", text: "Decline", "aria-describedby": headingId, on: { click: () => onDecline(conversationId) } }),
        ]),
        el("p", { className: "field-error", role: "status", "data-error-for": conversationId }),
      ]),
    );
  }
}

// Tick the countdowns without rebuilding (which would move focus).
export function tickOffers(container, offers) {
  for (const node of container.querySelectorAll(".offer")) {
    const offer = offers.get(node.getAttribute("data-conversation"));
    if (!offer) continue;
    const remaining = Math.max(0, Math.round((Date.parse(offer.expires_at) - Date.now()) / 1000));
    const text = node.querySelector(".offer__countdown");
    if (text && Number.isFinite(remaining)) text.textContent = `Accept within ${remaining} seconds or it goes to the next advisor.`;
  }
}
