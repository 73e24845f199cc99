// One chat in the workspace: the conversation (header, transcript that
// always opens at the latest message, reply box pinned beneath it) for the
// middle column, and its context (who the resident is, the bot's summary,
// the tools) for the right-hand panel. Only the selected chat is shown; the
// others keep their drafts and scroll positions. Events arrive from the
// advisor socket via applyEvent().

import { api } from "./api.js";
import { el, uid, humanise, newClientId } from "./dom.js";
import { entryFor } from "./entries.js";
import { messageLanguage, missingField, text as sentence } from "./messages.js";
import { withRetry } from "./retry.js";
import { residentPanel, knowledgeTool, transferTool, handBackTool, closeTool, caseTool } from "./tools.js";

const TYPING_IDLE_MS = 4000;
const NEAR_BOTTOM_PX = 80;
// Refusals that say "not stored, send it again shortly" (PROTOCOL.md §2.4).
const RETRY_LATER = new Set(["unavailable", "busy"]);

export class ChatCard {
  constructor(chat, { me, socket, notifier, onChange, isSelected }) {
    this.id = chat.conversation_id;
    this.me = me;
    this.socket = socket;
    this.notifier = notifier;
    this.onChange = onChange;
    this.isSelected = isSelected || (() => false);
    this.fallbackLabel = chat.resident_label || `Resident ${this.id.slice(0, 4).toUpperCase()}`;
    this.name = null; // the verified resident's name, once the resident panel knows it
    this.language = chat.language === "cy" ? "cy" : "en";
    this.info = { verified: Boolean(chat.verified), team: chat.team, priority: chat.priority, language: chat.language };
    this.detail = null;
    this.lastSeq = 0;
    this.historyUntil = Number(chat.last_seq) || 0; // replayed history: no alerts
    this.unread = Number(chat.unread) || 0;
    this.readSent = 0;
    this.unsent = null; // { text, note, clientId } of a message that could not be sent
    this.entries = new Map(); // seq or client_id -> element
    this.typingOn = false;
    this.typingTimer = null;
    this.stuck = true; // follow the latest message until the advisor scrolls up
    this.unseen = 0; // messages that arrived while scrolled up
    this.waitingSince = null; // the resident's oldest unanswered message (or the handover)
    this.preview = chat.last_message_preview || ""; // the latest message, for the chats list
    this.build();
    this.loadDetail();
  }

  get label() {
    return this.name || this.fallbackLabel;
  }

  build() {
    const headingId = uid("chat-heading");
    this.heading = el("h2", { id: headingId, className: "chat__name", tabindex: "-1" }, [this.label]);
    this.badge = el("span", { className: "badge", hidden: true });
    this.tags = el("p", { className: "tags" });
    this.transcript = el("ol", { className: "transcript", tabindex: "0", "aria-label": `Transcript with ${this.label}` });
    this.transcript.addEventListener("scroll", () => this.scrolled());
    // A resized window or column keeps a chat that was at its latest message there.
    if (window.ResizeObserver) new ResizeObserver(() => this.stuck && !this.root.hidden && this.toLatest()).observe(this.transcript);
    this.jump = el("button", { type: "button", className: "button button--small jump", hidden: true, on: { click: () => this.toLatest({ focus: true }) } });
    this.typing = el("p", { className: "typing", "aria-hidden": "true" });
    this.input = el("textarea", { rows: "2", maxlength: "4000", name: "text", "aria-keyshortcuts": "Alt+R" });
    this.note = el("input", { type: "checkbox", name: "note" });
    this.formError = el("p", { className: "field-error", role: "alert" });
    const inputId = uid("message");
    const noteId = uid("note");
    this.input.id = inputId;
    this.note.id = noteId;
    this.composer = el("form", { className: "composer", "aria-label": `Reply to ${this.label}` }, [
      el("label", { for: inputId, text: "Message to the resident" }),
      this.formError,
      this.input,
      el("div", { className: "composer__row" }, [
        el("button", { type: "submit", className: "button button--small", text: "Send" }),
        el("div", { className: "checkbox" }, [this.note, el("label", { for: noteId, text: "Private note (advisors only)" })]),
        el("p", { className: "hint composer__hint", text: "Enter sends, Shift+Enter starts a new line." }),
      ]),
    ]);
    this.composer.addEventListener("submit", (event) => this.submit(event));
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey) {
        event.preventDefault();
        this.composer.requestSubmit();
      }
    });
    this.input.addEventListener("input", () => this.typed());
    this.root = el("article", { className: "chat", id: `chat-${this.id}`, "aria-labelledby": headingId, "data-conversation": this.id, hidden: true }, [
      el("header", { className: "chat__header" }, [
        el("div", { className: "chat__who" }, [this.heading, this.tags]),
        el("div", { className: "chat__actions" }, [
          el("button", { type: "button", className: "button button--small button--secondary", text: "Transfer", "aria-keyshortcuts": "Alt+Shift+T", on: { click: () => this.openTool("transfer") } }),
          el("button", { type: "button", className: "button button--small button--secondary", text: "Close", "aria-describedby": headingId, "aria-keyshortcuts": "Alt+Shift+C", on: { click: () => this.openTool("close") } }),
        ]),
      ]),
      el("div", { className: "chat__body" }, [this.transcript, this.jump]),
      this.typing,
      this.composer,
    ]);

    this.summary = el("div", { className: "chat__summary" }, [el("p", { className: "muted", text: "Loading the bot's summary…" })]);
    this.resident = residentPanel(this);
    this.tools = {
      knowledge: knowledgeTool(this),
      transfer: transferTool(this),
      case: caseTool(this),
      handBack: handBackTool(this),
      close: closeTool(this),
    };
    const contextId = uid("context");
    this.context = el("div", { className: "context", "data-conversation": this.id, role: "region", "aria-labelledby": contextId, hidden: true }, [
      el("h2", { id: contextId, className: "visually-hidden" }, [`About the chat with ${this.label}`]),
      this.resident.root,
      el("section", { className: "context-section", "aria-labelledby": `${contextId}-bot` }, [
        el("h3", { id: `${contextId}-bot`, className: "context-section__title", text: "From the bot" }),
        this.summary,
      ]),
      el("div", { className: "tools" }, Object.values(this.tools)),
    ]);
    this.contextHeading = this.context.querySelector(`#${contextId}`);
    // Working in a chat (focus or pointer inside it) reads it.
    for (const part of [this.root, this.context]) {
      part.addEventListener("focusin", () => this.markRead());
      part.addEventListener("pointerdown", () => this.markRead());
    }
    this.setTags(this.info);
    this.paintUnread();
  }

  setTags(info) {
    this.info = { ...this.info, ...info };
    const i = this.info;
    this.tags.replaceChildren(
      ...[
        i.verified ? el("span", { className: "tag tag--verified", text: "Verified" }) : el("span", { className: "tag", text: "Not verified" }),
        i.priority === "urgent" ? el("span", { className: "tag tag--urgent", text: "Urgent" }) : null,
        i.team ? el("span", { className: "tag", text: humanise(i.team) }) : null,
        el("span", { className: "tag", text: this.language === "cy" ? "Welsh" : "English" }),
      ].filter(Boolean),
      " ",
      this.badge,
    );
  }

  // The verified name replaces "Resident 1A2B" everywhere this chat shows it.
  setName(name) {
    const clean = String(name || "").trim();
    if (!clean || clean === this.name) return;
    this.name = clean;
    this.heading.textContent = clean;
    this.transcript.setAttribute("aria-label", `Transcript with ${clean}`);
    this.composer.setAttribute("aria-label", `Reply to ${clean}`);
    this.contextHeading.textContent = `About the chat with ${clean}`;
    for (const who of this.transcript.querySelectorAll(".entry__name--resident")) who.textContent = clean;
    this.onChange();
  }

  async loadDetail() {
    try {
      this.detail = await api("GET", `/advisor/conversations/${this.id}`);
    } catch (error) {
      this.summary.replaceChildren(el("p", { className: "result-msg result-msg--error", lang: messageLanguage(), text: error.message }));
      return;
    }
    const d = this.detail;
    this.language = d.language === "cy" ? "cy" : "en";
    this.setTags(d);
    const rows = [
      ["Reason", d.reason && humanise(d.reason)],
      ["Service", d.service_area && humanise(d.service_area)],
      ["Bot summary", d.summary],
      ["Page", d.page_url],
      ["Language", this.language === "cy" ? "Welsh" : "English"],
    ].filter(([, value]) => value);
    this.summary.replaceChildren(el("dl", {}, rows.flatMap(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })])));
    this.onChange();
  }

  applyEvent(event) {
    const seq = Number(event.seq);
    if (!Number.isFinite(seq) || this.entries.has(seq)) return;
    if (seq <= this.lastSeq) return this.insertLate(event);
    this.lastSeq = seq;
    const clientId = event.data && event.data.client_id;
    const pending = clientId ? this.entries.get(clientId) : null;
    const node = this.entry(event);
    if (pending) {
      pending.replaceWith(node);
      this.entries.delete(clientId);
    } else {
      this.transcript.append(node);
      if (this.stuck) this.toLatest();
      else if (event.kind === "message" || event.kind === "note") this.paintJump(this.unseen + 1);
    }
    node.setAttribute("data-seq", String(seq));
    this.entries.set(seq, node);
    this.noteWaiting(event);
    if (event.kind === "message" && event.data && event.data.text) this.preview = String(event.data.text).slice(0, 80);
    if (event.kind === "message" && event.data.author === "resident") {
      this.setTyping(false);
      if (seq > this.historyUntil) this.residentWrote(event.data.text || "");
    }
  }

  entry(event, pending = false) {
    return entryFor(event, { residentLabel: this.label, language: this.language, pending });
  }

  // How long the resident has waited for a person: from their first message
  // (or the handover) since an advisor last wrote to them.
  noteWaiting(event) {
    const data = event.data || {};
    if (event.kind === "message" && data.author === "advisor") this.waitingSince = null;
    else if ((event.kind === "message" && data.author === "resident") || event.kind === "handoff") this.waitingSince = this.waitingSince || event.at || null;
  }

  insertLate(event) {
    // A replay after a reconnect can bring an older event we lack: put it in order.
    const node = this.entry(event);
    node.setAttribute("data-seq", String(event.seq));
    const after = [...this.transcript.children].find((child) => Number(child.getAttribute("data-seq")) > event.seq);
    this.transcript.insertBefore(node, after || null);
    this.entries.set(Number(event.seq), node);
  }

  scrolled() {
    const t = this.transcript;
    if (this.root.hidden || t.clientHeight === 0) return;
    this.stuck = t.scrollHeight - t.scrollTop - t.clientHeight < NEAR_BOTTOM_PX;
    if (this.stuck) this.paintJump(0);
  }

  toLatest({ focus = false } = {}) {
    this.stuck = true;
    this.transcript.scrollTop = this.transcript.scrollHeight;
    this.paintJump(0);
    if (focus) this.input.focus();
  }

  paintJump(count) {
    this.unseen = count;
    this.jump.hidden = count === 0;
    this.jump.textContent = count === 1 ? "1 new message: go to the latest" : `${count} new messages: go to the latest`;
  }

  // Shown in the workspace (selected): open at the latest message unless the
  // advisor had scrolled up in this chat before.
  show() {
    this.root.hidden = false;
    this.context.hidden = false;
    if (this.stuck) this.toLatest();
  }

  hide() {
    this.root.hidden = true;
    this.context.hidden = true;
  }

  openTool(name, { focus = true } = {}) {
    const tool = this.tools[name];
    if (!tool) return;
    tool.open = true;
    tool.dispatchEvent(new Event("toggle")); // build now, so the first field exists to focus
    if (!focus) return;
    const field = tool.querySelector("input:not([type=hidden]), select, textarea");
    tool.scrollIntoView({ block: "nearest" });
    (field || tool.querySelector("summary")).focus();
  }

  residentWrote(text) {
    const looking = document.visibilityState === "visible" && document.hasFocus() && this.isSelected();
    if (looking) {
      this.markRead();
      this.notifier.announce(`New message from ${this.label}: ${text.slice(0, 120)}`);
      return;
    }
    this.unread += 1;
    this.paintUnread();
    this.notifier.alert(`New message from ${this.label}: ${text.slice(0, 120)}`);
    this.onChange();
  }

  paintUnread() {
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = this.unread ? `${this.unread} unread` : "";
    this.root.classList.toggle("has-unread", this.unread > 0);
  }

  markRead() {
    if (this.unread) {
      this.unread = 0;
      this.paintUnread();
      this.onChange();
    }
    if (this.lastSeq > this.readSent && this.socket.send({ type: "ack", conversation_id: this.id, seq: this.lastSeq })) {
      this.readSent = this.lastSeq;
    }
  }

  setTyping(on) {
    this.typing.textContent = on ? `${this.label} is typing…` : "";
  }

  typed() {
    if (!this.typingOn && this.input.value) {
      this.typingOn = this.socket.send({ type: "typing", conversation_id: this.id, on: true });
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    if (this.typingOn) this.socket.send({ type: "typing", conversation_id: this.id, on: false });
    this.typingOn = false;
  }

  // Messages go over REST with a client_id: a retry after a network error,
  // or while the service cannot store it (a database restart: 503
  // "unavailable"; load shed: "busy"), is stored once. The retries back off
  // for up to two minutes (retry.js), the pending entry saying it is still
  // trying. The socket's echo replaces the pending entry.
  async send(text, links = [], { note = false, clientId = newClientId() } = {}) {
    const kind = note ? "note" : "message";
    const pending = this.entry({ kind, at: new Date().toISOString(), data: { author: "advisor", author_name: this.me.first_name, text, links } }, true);
    this.entries.set(clientId, pending);
    this.transcript.append(pending);
    this.toLatest();
    const path = `/advisor/conversations/${this.id}/${note ? "notes" : "messages"}`;
    const body = note ? { client_id: clientId, text } : { client_id: clientId, text, links };
    const stillTrying = () => {
      let status = pending.querySelector(".entry__status");
      if (!status) status = pending.appendChild(el("p", { className: "muted entry__status" }));
      status.lang = messageLanguage();
      status.textContent = sentence("sending.retrying");
    };
    try {
      const written = await withRetry(() => api("POST", path, body), {
        retryable: (error) => error.code === "network" || RETRY_LATER.has(error.code),
        onWaiting: stillTrying,
      });
      if (this.entries.get(clientId) === pending) pending.setAttribute("data-written-seq", String(written.seq));
      return written;
    } catch (error) {
      pending.remove();
      this.entries.delete(clientId);
      throw error;
    }
  }

  async submit(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    this.formError.textContent = "";
    if (!text) {
      this.formError.lang = messageLanguage();
      this.formError.textContent = missingField("text");
      return this.input.focus();
    }
    const note = this.note.checked;
    // the same text sent again after a failure keeps its client_id: if the last
    // try was stored but its answer lost, the service stores it once
    const unsent = this.unsent && this.unsent.text === text && this.unsent.note === note ? this.unsent : null;
    const clientId = unsent ? unsent.clientId : newClientId();
    this.unsent = null;
    this.input.value = "";
    this.stopTyping();
    this.markRead();
    try {
      await this.send(text, [], { note, clientId });
    } catch (error) {
      // back in the composer, before anything typed meanwhile
      this.input.value = this.input.value ? `${text}\n${this.input.value}` : text;
      this.unsent = { text, note, clientId };
      this.formError.lang = messageLanguage();
      this.formError.textContent = error.message;
    }
  }

  async reload() {
    try {
      const data = await api("GET", `/advisor/conversations/${this.id}/transcript?after=0`);
      this.transcript.replaceChildren();
      this.entries.clear();
      this.lastSeq = 0;
      this.waitingSince = null;
      this.historyUntil = Math.max(this.historyUntil, Number(data.last_seq) || 0);
      for (const event of data.events || []) this.applyEvent(event);
      this.lastSeq = Math.max(this.lastSeq, Number(data.last_seq) || 0);
      this.socket.send({ type: "resume", cursors: { [this.id]: this.lastSeq } });
    } catch (error) {
      this.formError.lang = messageLanguage();
      this.formError.textContent = error.message;
    }
  }

  focus() {
    this.input.focus();
  }
}
