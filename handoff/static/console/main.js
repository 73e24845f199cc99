// The advisor workspace: offers, my chats and the queue on the left, the
// selected chat's conversation in the middle, its context on the right.
// State arrives on the advisor socket (PROTOCOL.md §3.3); actions go to the
// REST API (§3.1).

import { api, setCsrfToken } from "./api.js";
import { ChatCard } from "./chat.js";
import "./cobrowse.js"; // mounts itself in #cobrowse-panel through the workspace events
import { createNotifier } from "./notify.js";
import { freshenOffers, renderOffers, renderQueue, tickAway, tickOffers } from "./queue.js";
import { createShortcuts } from "./shortcuts.js";
import { createAdvisorSocket } from "./socket.js";
import { workspace } from "./workspace.js";
import { el, duration, humanise } from "./dom.js";
import { messageLanguage, plainMessage } from "./messages.js";

const $ = (id) => document.getElementById(id);
const chats = new Map();
const offers = new Map();
let queueItems = [];
let me = null;
let selected = null;
const REMEMBERED = "fd-console-selected"; // this tab's chosen chat, kept over a reload

// Read once: selecting the first chat to arrive must not overwrite it.
const rememberedChat = (() => {
  try {
    return window.sessionStorage.getItem(REMEMBERED);
  } catch {
    return null;
  }
})();

const notifier = createNotifier({ announcer: $("announcer"), soundButton: $("sound-toggle"), baseTitle: document.title });
const socket = createAdvisorSocket({
  cursors: () => Object.fromEntries([...chats].map(([id, card]) => [id, card.lastSeq])),
  onFrame: receive,
  onStatus: connectionStatus,
});
workspace.sender = socket.send;

function showError(message) {
  const box = $("console-error");
  box.hidden = !message;
  box.replaceChildren(...(message ? [el("p", { className: "error-message", lang: messageLanguage(), text: message })] : []));
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
  const active = chats.size;
  if (me) {
    const teams = (me.teams || []).map((t) => t.name).join(", ") || "no team";
    $("load").textContent = `${active} of ${me.cap} chats · ${teams}`;
  }
  $("chats-count").textContent = `(${active})`;
  $("chats-empty").hidden = active > 0;
  $("no-chat").hidden = Boolean(selected);
  const unread = [...chats.values()].reduce((sum, card) => sum + card.unread, 0);
  notifier.setCount(unread + offers.size);
  paintChatList();
}

// One button per chat, kept (not rebuilt) so keyboard focus stays on it.
function paintChatList() {
  const list = $("chat-list");
  const items = new Map([...list.children].map((li) => [li.getAttribute("data-conversation"), li]));
  for (const [id, li] of items) if (!chats.has(id)) li.remove();
  for (const card of chats.values()) {
    let li = items.get(card.id);
    if (!li) {
      li = el("li", { "data-conversation": card.id }, [
        el("button", { type: "button", className: "chat-item", "aria-controls": `chat-${card.id}`, on: { click: () => select(card.id, { focus: "reply" }) } }),
      ]);
      list.append(li);
    }
    paintChatItem(li.firstChild, card);
  }
}

function paintChatItem(button, card) {
  const info = card.info;
  if (card.id === selected) button.setAttribute("aria-current", "true");
  else button.removeAttribute("aria-current");
  button.classList.toggle("has-unread", card.unread > 0);
  button.replaceChildren(
    el("span", { className: "chat-item__top" }, [
      el("span", { className: "chat-item__name", text: card.label }),
      card.unread ? el("span", { className: "badge", text: `${card.unread} unread` }) : null,
    ]),
    el("span", { className: "chat-item__meta" }, [
      info.verified ? el("span", { className: "tag tag--verified", text: "Verified" }) : el("span", { className: "tag", text: "Not verified" }),
      info.priority === "urgent" ? el("span", { className: "tag tag--urgent", text: "Urgent" }) : null,
      el("span", { className: "tag", text: card.language === "cy" ? "Welsh" : "English" }),
    ]),
    card.preview ? el("span", { className: "chat-item__preview", text: card.preview }) : null,
    el("span", { className: "chat-item__wait", text: waitingWords(card) }),
  );
}

function waitingWords(card) {
  if (!card.waitingSince) return "Replied";
  const seconds = (Date.now() - Date.parse(card.waitingSince)) / 1000;
  return Number.isFinite(seconds) ? `Waiting ${duration(seconds)}` : "Waiting";
}

// Only the waiting times change by the second: text, not a rebuild.
function tickChatList() {
  for (const li of $("chat-list").children) {
    const card = chats.get(li.getAttribute("data-conversation"));
    const wait = li.querySelector(".chat-item__wait");
    if (card && wait) wait.textContent = waitingWords(card);
  }
}

function select(conversationId, { focus = null } = {}) {
  const card = chats.get(conversationId);
  if (!card) return;
  if (selected !== conversationId) {
    const before = chats.get(selected);
    if (before) before.hide();
    selected = conversationId;
    try {
      window.sessionStorage.setItem(REMEMBERED, conversationId);
    } catch {
      // the choice is only a convenience
    }
    card.show();
    workspace.selected = conversationId;
    workspace.emit("select", { conversationId });
  }
  if (focus === "reply") card.focus();
  else if (focus === "heading") card.heading.focus();
  if (focus && document.hasFocus()) card.markRead();
  paintLoad();
}

function step(by) {
  const ids = [...chats.keys()];
  if (!ids.length) return;
  const at = ids.indexOf(selected);
  const next = ids[(at + by + ids.length) % ids.length];
  select(next, { focus: "heading" });
  const card = chats.get(next);
  notifier.announce(`Chat ${ids.indexOf(next) + 1} of ${ids.length}: ${card.label}${card.unread ? `, ${card.unread} unread` : ""}.`);
}

function paintQueue() {
  // The queue is rebuilt on every change; keep keyboard focus where it was
  // (the same button of the same chat), or on the heading if that chat went.
  const active = document.activeElement;
  const item = active && active.closest && active.closest("#queue-list [data-conversation], #offers [data-conversation]");
  const focusKey = item ? [item.getAttribute("data-conversation"), active.textContent] : null;
  renderQueue({ list: $("queue-list"), empty: $("queue-empty"), count: $("queue-count") }, queueItems, { onAccept: accept, offers });
  renderOffers($("offers"), offers, { onAccept: accept, onDecline: decline });
  if (focusKey && !document.activeElement.closest("#queue-list, #offers, article.chat, #context-panel")) {
    const again = [...document.querySelectorAll(`[data-conversation="${CSS.escape(focusKey[0])}"] button`)].find((b) => b.textContent === focusKey[1]);
    (again || $("queue-heading")).focus();
  }
  paintLoad();
}

function addChat(chat) {
  if (chats.has(chat.conversation_id)) return chats.get(chat.conversation_id);
  const card = new ChatCard(chat, { me, socket, notifier, onChange: paintLoad, isSelected: () => selected === chat.conversation_id });
  chats.set(card.id, card);
  $("chats").append(card.root);
  $("contexts").append(card.context);
  offers.delete(card.id);
  if (!selected || card.id === rememberedChat) select(card.id);
  paintQueue();
  return card;
}

function removeChat(conversationId, reason) {
  const card = chats.get(conversationId);
  if (!card) return;
  // A disabled "Close chat" button drops focus to the body before the chat goes.
  const adrift = !document.activeElement || document.activeElement === document.body;
  const hadFocus = card.root.contains(document.activeElement) || card.context.contains(document.activeElement) || (adrift && selected === conversationId);
  const ids = [...chats.keys()];
  const neighbour = ids[ids.indexOf(conversationId) + 1] || ids[ids.indexOf(conversationId) - 1] || null;
  card.stopTyping();
  card.root.remove();
  card.context.remove();
  chats.delete(conversationId);
  const words = { closed: "was closed", transferred: "was transferred", handed_back: "went back to the bot", requeued: "went back to the queue" };
  notifier.announce(`The chat with ${card.label} ${words[reason] || "ended"}.`);
  workspace.emit("removed", { conversationId, reason });
  if (selected === conversationId) {
    selected = null;
    workspace.selected = null;
    if (neighbour) select(neighbour, { focus: hadFocus ? "heading" : null });
    else workspace.emit("select", { conversationId: null });
  }
  if (hadFocus && !neighbour) $("chats-heading").focus();
  paintLoad();
}

function receive(frame) {
  handle(frame);
  workspace.emit("frame", { frame });
}

function handle(frame) {
  switch (frame.type) {
    case "welcome":
      showMe(frame.advisor || {});
      break;
    case "queue":
      queueItems = frame.items || [];
      freshenOffers(offers, queueItems);
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
      if (card) {
        card.applyEvent(frame);
        paintLoad();
      }
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
      if (frame.code !== "not_assigned") showError(plainMessage(0, frame.code, frame.message));
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
    const card = addChat({ conversation_id: conversationId, resident_label: detail.resident_label, verified: detail.verified, team: detail.team, priority: detail.priority, language: detail.language, last_seq: 0, unread: 0 });
    select(card.id, { focus: "reply" });
  } catch (failure) {
    if (error) {
      error.lang = messageLanguage();
      error.textContent = failure.message;
    }
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

setInterval(() => {
  tickOffers($("offers"), offers);
  tickAway($("queue-list"));
  tickAway($("offers"));
  tickChatList();
}, 1000);
window.addEventListener("focus", () => {
  const card = chats.get(selected);
  if (card) card.markRead();
});

// The first offer, else the first resident waiting in the queue.
function acceptNext() {
  const offered = [...offers.keys()][0];
  const waiting = queueItems.find((item) => !offers.has(item.conversation_id));
  const id = offered || (waiting && waiting.conversation_id);
  if (!id) return notifier.announce("There is no chat to accept.");
  const button = document.querySelector(`#offers [data-conversation="${CSS.escape(id)}"] button, #queue-list [data-conversation="${CSS.escape(id)}"] button`);
  accept(id, button);
}

function withChat(work) {
  return () => {
    const card = chats.get(selected);
    if (card) work(card);
    else notifier.announce("Choose a chat first.");
  };
}

createShortcuts({
  dialog: $("shortcuts-dialog"),
  opener: $("shortcuts-button"),
  actions: {
    next: () => step(1),
    previous: () => step(-1),
    accept: acceptNext,
    reply: withChat((card) => card.focus()),
    search: withChat((card) => card.openTool("knowledge")),
    transfer: withChat((card) => card.openTool("transfer")),
    close: withChat((card) => card.openTool("close")),
  },
});

(async function start() {
  try {
    showMe(await api("GET", "/advisor/me"));
  } catch (failure) {
    showError(failure.message);
  }
  socket.start();
})();
