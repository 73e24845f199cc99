// The console page: availability, queue and offers, chats side by side.
// State arrives on the advisor socket (PROTOCOL.md §3.3); actions go to the
// REST API (§3.1).

import { api, setCsrfToken } from "./api.js";
import { ChatCard } from "./chat.js";
import { routeCobrowse, unmountCobrowse } from "./cobrowse.js";
import { createNotifier } from "./notify.js";
import { renderOffers, renderQueue, tickOffers } from "./queue.js";
import { createAdvisorSocket } from "./socket.js";
import { el, humanise } from "./dom.js";

const $ = (id) => document.getElementById(id);
const chats = new Map();
const offers = new Map();
let queueItems = [];
let me = null;

const notifier = createNotifier({ announcer: $("announcer"), soundButton: $("sound-toggle"), baseTitle: document.title });
const socket = createAdvisorSocket({
  cursors: () => Object.fromEntries([...chats].map(([id, card]) => [id, card.lastSeq])),
  onFrame: receive,
  onStatus: connectionStatus,
});

function showError(message) {
  const box = $("console-error");
  box.hidden = !message;
  box.replaceChildren(...(message ? [el("p", { className: "error-message", text: message })] : []));
}

function connectionStatus(status, detail) {
  const node = $("connection-status");
  const words = {
    connecting: "Connecting…",
    open: "Connected.",
    waiting: `Connection lost. Reconnecting in ${Math.ceil((detail || 0) / 1000)} seconds…`,
    stopped: detail === "forbidden" ? "Your account cannot take chats." : "Disconnected.",
  };
  node.textContent = words[status] || status;
  node.classList.toggle("is-problem", status === "waiting" || status === "stopped");
  if (status === "waiting" && !node.dataset.announced) {
    node.dataset.announced = "1";
    notifier.announce("Connection lost. Reconnecting.");
  }
  if (status === "open" && node.dataset.announced) {
    delete node.dataset.announced;
    notifier.announce("Connected again.");
  }
}

let choosing = 0; // availability changes in flight: the server's older view must not undo them

function showMe(data, { fromChoice = false } = {}) {
  if (choosing && !fromChoice && "availability" in data) data = { ...data, availability: me ? me.availability : data.availability };
  me = { ...(me || {}), ...data };
  if (data.csrf_token) setCsrfToken(data.csrf_token);
  const radio = document.querySelector(`input[name=availability][value=${me.availability === "available" ? "available" : "away"}]`);
  if (radio) radio.checked = true;
  $("availability").disabled = false; // only once we know the truth, or a click could be undone
  paintLoad();
}

function paintLoad() {
  if (!me) return;
  const active = [...chats.values()].length;
  const teams = (me.teams || []).map((t) => t.name).join(", ") || "no team";
  $("load").textContent = `${active} of ${me.cap} chats · ${teams}`;
  $("chats-count").textContent = `(${active})`;
  $("chats-empty").hidden = active > 0;
  const unread = [...chats.values()].reduce((sum, card) => sum + card.unread, 0);
  notifier.setCount(unread + offers.size);
  paintChatList();
}

function paintChatList() {
  const list = $("chat-list");
  list.replaceChildren(
    ...[...chats.values()].map((card) =>
      el("li", {}, [
        el("a", { href: `#chat-${card.id}`, on: { click: (event) => { event.preventDefault(); card.heading.focus(); card.markRead(); } } }, [
          card.label,
          card.unread ? el("span", { className: "badge", text: `${card.unread} unread` }) : null,
        ]),
      ]),
    ),
  );
}

function paintQueue() {
  // The queue is rebuilt on every change; keep keyboard focus where it was
  // (the same button of the same chat), or on the heading if that chat went.
  const active = document.activeElement;
  const item = active && active.closest && active.closest("#queue-list [data-conversation], #offers [data-conversation]");
  const focusKey = item ? [item.getAttribute("data-conversation"), active.textContent] : null;
  renderQueue({ list: $("queue-list"), empty: $("queue-empty"), count: $("queue-count") }, queueItems, { onAccept: accept, offers });
  renderOffers($("offers"), offers, { onAccept: accept, onDecline: decline });
  if (focusKey && !document.activeElement.closest("#queue-list, #offers, article.chat")) {
    const again = [...document.querySelectorAll(`[data-conversation="${CSS.escape(focusKey[0])}"] button`)].find((b) => b.textContent === focusKey[1]);
    (again || $("queue-heading")).focus();
  }
  paintLoad();
}

function addChat(chat) {
  if (chats.has(chat.conversation_id)) return chats.get(chat.conversation_id);
  const card = new ChatCard(chat, { me, socket, notifier, onChange: paintLoad });
  chats.set(card.id, card);
  $("chats").append(card.root);
  offers.delete(card.id);
  paintQueue();
  return card;
}

function removeChat(conversationId, reason) {
  const card = chats.get(conversationId);
  if (!card) return;
  const hadFocus = card.root.contains(document.activeElement);
  card.stopTyping();
  unmountCobrowse(conversationId);
  card.root.remove();
  chats.delete(conversationId);
  const words = { closed: "was closed", transferred: "was transferred", handed_back: "went back to the bot", requeued: "went back to the queue" };
  notifier.announce(`The chat with ${card.label} ${words[reason] || "ended"}.`);
  if (hadFocus) $("chats-heading").focus();
  paintLoad();
}

function receive(frame) {
  if (routeCobrowse(frame)) return;
  switch (frame.type) {
    case "welcome":
      showMe(frame.advisor || {});
      break;
    case "queue":
      queueItems = frame.items || [];
      paintQueue();
      break;
    case "offer":
      offers.set(frame.conversation_id, frame);
      paintQueue();
      notifier.alert(`A chat has been offered to you${frame.item && frame.item.team ? ` (${humanise(frame.item.team)})` : ""}. Accept it in the queue.`);
      break;
    case "offer_withdrawn":
      if (offers.delete(frame.conversation_id)) {
        paintQueue();
        if (frame.reason === "timeout") notifier.announce("The offered chat went to the next advisor.");
      }
      break;
    case "chat_added":
      addChat(frame.chat);
      notifier.announce(`Chat with ${frame.chat.resident_label || "a resident"} added.`);
      break;
    case "chat_removed":
      removeChat(frame.conversation_id, frame.reason);
      break;
    case "event": {
      const card = chats.get(frame.conversation_id);
      if (card) card.applyEvent(frame);
      break;
    }
    case "typing": {
      const card = chats.get(frame.conversation_id);
      if (card && frame.author === "resident") card.setTyping(Boolean(frame.on));
      break;
    }
    case "presence":
      showMe({ availability: frame.availability });
      break;
    case "reload_required": {
      const card = chats.get(frame.conversation_id);
      if (card) card.reload();
      break;
    }
    case "error":
      if (frame.code !== "not_assigned") showError(frame.message || "Something went wrong.");
      break;
    default:
      break;
  }
}

async function accept(conversationId, button) {
  const error = document.querySelector(`[data-error-for="${CSS.escape(conversationId)}"]`);
  if (button) button.disabled = true;
  try {
    const detail = await api("POST", `/advisor/conversations/${conversationId}/accept`);
    const card = addChat({ conversation_id: conversationId, resident_label: detail.resident_label, verified: detail.verified, team: detail.team, last_seq: 0, unread: 0 });
    card.focus();
  } catch (failure) {
    if (error) error.textContent = failure.message;
    if (button) button.disabled = false;
  }
}

async function decline(conversationId) {
  try {
    await api("POST", `/advisor/conversations/${conversationId}/decline`);
    offers.delete(conversationId);
    paintQueue();
  } catch (failure) {
    showError(failure.message);
  }
}

for (const radio of document.querySelectorAll("input[name=availability]")) {
  radio.addEventListener("change", async () => {
    choosing += 1;
    if (me) me.availability = radio.value;
    try {
      showMe(await api("PUT", "/advisor/availability", { status: radio.value }), { fromChoice: true });
      notifier.announce(radio.value === "available" ? "You are available for chats." : "You are away. No new chats will be offered.");
      showError("");
    } catch (failure) {
      showError(failure.message);
      api("GET", "/advisor/me").then((fresh) => showMe(fresh, { fromChoice: true }), () => {});
    } finally {
      choosing -= 1;
    }
  });
}

setInterval(() => tickOffers($("offers"), offers), 1000);
window.addEventListener("focus", () => {
  for (const card of chats.values()) if (card.root.contains(document.activeElement)) card.markRead();
});

(async function start() {
  try {
    showMe(await api("GET", "/advisor/me"));
  } catch (failure) {
    showError(failure.message);
  }
  socket.start();
})();
