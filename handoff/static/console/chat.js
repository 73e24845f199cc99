// One chat card: header with unread marker, the bot's summary, the full
// transcript (deduplicated by seq), composer (message or private note) and
// the tools. Events arrive from the advisor socket via applyEvent().

import { api } from "./api.js";
import { mountCobrowse } from "./cobrowse.js";
import { el, uid, humanise, newClientId } from "./dom.js";
import { entryFor } from "./entries.js";
import { residentTool, knowledgeTool, transferTool, handBackTool, closeTool, caseTool } from "./tools.js";

const TYPING_IDLE_MS = 4000;

export class ChatCard {
  constructor(chat, { me, socket, notifier, onChange }) {
    this.id = chat.conversation_id;
    this.me = me;
    this.socket = socket;
    this.notifier = notifier;
    this.onChange = onChange;
    this.label = chat.resident_label || `Resident ${this.id.slice(0, 4).toUpperCase()}`;
    this.language = "en";
    this.detail = null;
    this.lastSeq = 0;
    this.historyUntil = Number(chat.last_seq) || 0; // replayed history: no alerts
    this.unread = Number(chat.unread) || 0;
    this.readSent = 0;
    this.entries = new Map(); // seq or client_id -> element
    this.typingOn = false;
    this.typingTimer = null;
    this.build(chat);
    this.loadDetail();
  }

  build(chat) {
    const headingId = uid("chat-heading");
    this.heading = el("h3", { id: headingId, tabindex: "-1" }, [this.label]);
    this.badge = el("span", { className: "badge", hidden: true });
    this.heading.append(" ", this.badge);
    this.tags = el("p", { className: "queue-item__meta" });
    this.summary = el("div", { className: "chat__summary" }, [el("p", { className: "muted", text: "Loading the bot's summary…" })]);
    this.transcript = el("ol", { className: "transcript", tabindex: "0", "aria-label": `Transcript with ${this.label}` });
    this.typing = el("p", { className: "typing", "aria-hidden": "true" });
    this.input = el("textarea", { rows: "3", maxlength: "4000", name: "text" });
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
      ]),
    ]);
    this.composer.addEventListener("submit", (event) => this.submit(event));
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.composer.requestSubmit();
      }
    });
    this.input.addEventListener("input", () => this.typed());
    this.root = el("article", { className: "chat", id: `chat-${this.id}`, "aria-labelledby": headingId, "data-conversation": this.id }, [
      el("div", { className: "chat__header" }, [this.heading, this.tags]),
      this.summary,
      this.transcript,
      this.typing,
      this.composer,
      el("div", { className: "tools" }, [residentTool(this), knowledgeTool(this), transferTool(this), caseTool(this), handBackTool(this), closeTool(this)]),
      mountCobrowse(this),
    ]);
    // Working in a chat (focus or pointer inside it) reads it.
    this.root.addEventListener("focusin", () => this.markRead());
    this.root.addEventListener("pointerdown", () => this.markRead());
    this.setTags(chat);
    this.paintUnread();
  }

  setTags(info) {
    this.tags.replaceChildren(
      ...[
        info.verified ? el("span", { className: "tag tag--verified", text: "Verified" }) : el("span", { className: "tag", text: "Not verified" }),
        info.priority === "urgent" ? el("span", { className: "tag tag--urgent", text: "Urgent" }) : null,
        info.team ? el("span", { className: "tag", text: humanise(info.team) }) : null,
        info.language === "cy" ? el("span", { className: "tag", text: "Welsh" }) : null,
      ].filter(Boolean),
    );
  }

  async loadDetail() {
    try {
      this.detail = await api("GET", `/advisor/conversations/${this.id}`);
    } catch (error) {
      this.summary.replaceChildren(el("p", { className: "result-msg result-msg--error", text: error.message }));
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
  }

  applyEvent(event) {
    const seq = Number(event.seq);
    if (!Number.isFinite(seq) || this.entries.has(seq)) return;
    if (seq <= this.lastSeq) return this.insertLate(event);
    this.lastSeq = seq;
    const clientId = event.data && event.data.client_id;
    const pending = clientId ? this.entries.get(clientId) : null;
    const node = entryFor(event, { residentLabel: this.label });
    if (pending) {
      pending.replaceWith(node);
      this.entries.delete(clientId);
    } else {
      const stick = this.transcript.scrollHeight - this.transcript.scrollTop - this.transcript.clientHeight < 80;
      this.transcript.append(node);
      if (stick) this.transcript.scrollTop = this.transcript.scrollHeight;
    }
    node.setAttribute("data-seq", String(seq));
    this.entries.set(seq, node);
    if (event.kind === "message" && event.data.author === "resident") {
      this.setTyping(false);
      if (seq > this.historyUntil) this.residentWrote(event.data.text || "");
    }
  }

  insertLate(event) {
    // A replay after a reconnect can bring an older event we lack: put it in order.
    const node = entryFor(event, { residentLabel: this.label });
    node.setAttribute("data-seq", String(event.seq));
    const after = [...this.transcript.children].find((child) => Number(child.getAttribute("data-seq")) > event.seq);
    this.transcript.insertBefore(node, after || null);
    this.entries.set(Number(event.seq), node);
  }

  residentWrote(text) {
    const looking = document.visibilityState === "visible" && document.hasFocus() && this.root.contains(document.activeElement);
    if (looking) {
      this.markRead();
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

  // Messages go over REST with a client_id: a retry after a network error
  // is stored once. The socket's echo replaces the pending entry.
  async send(text, links = [], { note = false } = {}) {
    const clientId = newClientId();
    const kind = note ? "note" : "message";
    const pending = entryFor(
      { kind, at: new Date().toISOString(), data: { author: "advisor", author_name: this.me.first_name, text, links } },
      { residentLabel: this.label, pending: true },
    );
    this.entries.set(clientId, pending);
    this.transcript.append(pending);
    this.transcript.scrollTop = this.transcript.scrollHeight;
    const path = `/advisor/conversations/${this.id}/${note ? "notes" : "messages"}`;
    const body = note ? { client_id: clientId, text } : { client_id: clientId, text, links };
    for (let attempt = 0; ; attempt += 1) {
      try {
        const written = await api("POST", path, body);
        if (this.entries.get(clientId) === pending) pending.setAttribute("data-written-seq", String(written.seq));
        return written;
      } catch (error) {
        if (error.code !== "network" || attempt >= 3) {
          pending.remove();
          this.entries.delete(clientId);
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
      }
    }
  }

  async submit(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    this.formError.textContent = "";
    if (!text) {
      this.formError.textContent = "Enter a message.";
      return this.input.focus();
    }
    const note = this.note.checked;
    this.input.value = "";
    this.stopTyping();
    this.markRead();
    try {
      await this.send(text, [], { note });
    } catch (error) {
      this.input.value = text;
      this.formError.textContent = error.message;
    }
  }

  async reload() {
    try {
      const data = await api("GET", `/advisor/conversations/${this.id}/transcript?after=0`);
      this.transcript.replaceChildren();
      this.entries.clear();
      this.lastSeq = 0;
      this.historyUntil = Math.max(this.historyUntil, Number(data.last_seq) || 0);
      for (const event of data.events || []) this.applyEvent(event);
      this.lastSeq = Math.max(this.lastSeq, Number(data.last_seq) || 0);
      this.socket.send({ type: "resume", cursors: { [this.id]: this.lastSeq } });
    } catch (error) {
      this.formError.textContent = error.message;
    }
  }

  focus() {
    this.input.focus();
  }
}
