// The resident's side of a conversation, without sockets or DOM (the
// "sans-I/O" shape of python-websockets): frames go in, a list of changes
// comes out, and the caller renders and sends. PROTOCOL.md §2.4-2.5.
//
// Items are what the transcript shows. A resident's own message is keyed by
// its client_id so the optimistic copy and the server's echo are one item;
// everything else is keyed by seq. Widget-worded lines keep a text key (not
// the words), so switching between English and Welsh re-renders them.

export const STATES = ["bot", "waiting", "with_advisor", "closed"];

const LEFT_KEYS = {
  transferred: "advisorLeftTransferred",
  handed_back: "advisorLeftHandedBack",
  disconnected: "advisorLeftDisconnected",
  closed: "advisorLeftClosed",
};

const STATE_KEYS = { waiting: "stateWaiting", bot: "stateBot", closed: "stateClosed" };
// a state change whose reason the resident must be told about, in their language
const REASON_KEYS = { expired: "stateExpired" };

export function newClientId(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl && typeof cryptoImpl.randomUUID === "function") return cryptoImpl.randomUUID();
  const bytes = new Uint8Array(16);
  if (cryptoImpl && cryptoImpl.getRandomValues) cryptoImpl.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function cleanList(list, fields) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((entry) => entry && typeof entry === "object")
    .map((entry) => Object.fromEntries(fields.map((f) => [f, entry[f] == null ? "" : String(entry[f])])));
}

export function createConversation({ seen = 0, outbox = [], makeId = newClientId } = {}) {
  const model = {
    state: "bot",
    lastSeq: 0,
    // Events up to `seen` were already shown before a reload: replaying them
    // rebuilds the view but must not be announced again.
    seen,
    items: [],
    queue: null,
    advisorName: null,
    typing: null,
    notice: null,
    ratingRequested: false,
    rated: false,
    outbox: new Map(),
  };
  const byKey = new Map();
  let notices = 0;

  function addItem(item, changes) {
    const existing = byKey.get(item.key);
    if (existing) {
      Object.assign(existing, item);
      changes.push({ type: "item", item: existing, isNew: false, announce: false });
      return existing;
    }
    // Sequenced items go before messages still waiting for the server, so a
    // message restored after a reload stays at the bottom while history
    // replays above it.
    let index = model.items.length;
    if (item.seq != null) {
      const firstPending = model.items.findIndex((other) => other.seq == null && other.kind === "message");
      if (firstPending !== -1) index = firstPending;
    }
    const before = model.items[index] ? model.items[index].key : null;
    model.items.splice(index, 0, item);
    byKey.set(item.key, item);
    changes.push({ type: "item", item, isNew: true, before, announce: item.seq != null && item.seq > model.seen });
    return item;
  }

  function system(seq, at, fields, changes) {
    addItem({ key: `s${seq}`, seq, at, kind: "system", ...fields }, changes);
  }

  function settle(clientId, status, seq) {
    if (!clientId) return;
    model.outbox.delete(clientId);
    const item = byKey.get(clientId);
    if (item) {
      item.status = status;
      if (seq != null) item.seq = seq;
    }
  }

  function applyEvent(event, changes) {
    const seq = Number(event.seq);
    if (!Number.isFinite(seq) || seq <= model.lastSeq) return; // replayed twice: already applied
    model.lastSeq = seq;
    const data = event.data && typeof event.data === "object" ? event.data : {};
    const at = typeof event.at === "string" ? event.at : null;
    switch (event.kind) {
      case "message": {
        const author = ["resident", "bot", "advisor", "system"].includes(data.author) ? data.author : "system";
        const clientId = author === "resident" && data.client_id ? String(data.client_id) : null;
        if (clientId) model.outbox.delete(clientId);
        addItem(
          {
            key: clientId || `s${seq}`,
            seq,
            at,
            kind: "message",
            author,
            authorName: data.author_name ? String(data.author_name) : "",
            text: data.text == null ? "" : String(data.text),
            buttons: cleanList(data.buttons, ["title", "payload"]),
            links: cleanList(data.links, ["title", "url", "section", "language"]),
            prompt: data.prompt == null ? "" : String(data.prompt),
            // the language the bot answered this turn in, when it said (PROTOCOL.md §5)
            language: author === "bot" && (data.language === "en" || data.language === "cy") ? data.language : null,
            status: "sent",
          },
          changes,
        );
        if (author !== "resident") model.typing = null;
        break;
      }
      case "state": {
        const next = STATES.includes(data.state) ? data.state : model.state;
        const previous = model.state;
        model.state = next;
        if (next !== "waiting") model.queue = null;
        if (next === "waiting" || next === "with_advisor") model.notice = null;
        if (next !== "with_advisor") model.advisorName = next === "closed" ? model.advisorName : null;
        model.typing = null;
        const textKey = REASON_KEYS[data.reason] || STATE_KEYS[next];
        if (next !== previous && textKey && data.previous) {
          system(seq, at, { textKey }, changes);
        }
        changes.push({ type: "state", state: next, previous });
        break;
      }
      case "advisor_joined": {
        model.advisorName = String(data.first_name || "");
        system(seq, at, { textKey: "advisorJoined", vars: { name: model.advisorName } }, changes);
        changes.push({ type: "state", state: model.state });
        break;
      }
      case "advisor_left": {
        const name = String(data.first_name || model.advisorName || "");
        const textKey = LEFT_KEYS[data.reason] || "advisorLeftClosed";
        system(seq, at, { textKey, vars: { name } }, changes);
        if (model.state !== "closed") model.advisorName = null;
        changes.push({ type: "state", state: model.state });
        break;
      }
      case "notice": {
        const notice = {
          code: String(data.code || ""),
          canLeaveMessage: data.can_leave_message === true,
          canRequestHuman: data.can_request_human === true,
          openingHours: data.opening_hours ? String(data.opening_hours) : null,
        };
        // The bot may have said it already, in the resident's language: then the
        // notice carries no text and only offers "Leave a message".
        if (data.text) system(seq, at, { text: String(data.text), notice }, changes);
        model.notice = notice.canLeaveMessage || notice.canRequestHuman ? notice : model.notice;
        changes.push({ type: "notice", notice: model.notice });
        break;
      }
      case "case_created": {
        const reference = String(data.reference || "");
        system(seq, at, { textKey: "caseCreated", vars: { reference }, reference }, changes);
        for (const [id, frame] of model.outbox) if (frame.type === "leave_message") settle(id, "sent");
        model.notice = null;
        changes.push({ type: "case", reference });
        break;
      }
      case "rating_request":
        if (!model.rated) model.ratingRequested = true;
        changes.push({ type: "rating" });
        break;
      case "rating":
        model.rated = true;
        model.ratingRequested = false;
        system(seq, at, { textKey: "ratingThanks" }, changes);
        changes.push({ type: "rating" });
        break;
      default:
        break; // a kind this widget does not know yet: ignore, never fail
    }
  }

  const api = {
    model,

    // Apply one server frame; returns the list of changes for the view.
    receive(frame) {
      const changes = [];
      if (!frame || typeof frame !== "object") return changes;
      switch (frame.type) {
        case "event":
          applyEvent(frame, changes);
          break;
        case "welcome":
          if (STATES.includes(frame.state)) model.state = frame.state;
          changes.push({ type: "welcome", heartbeatSeconds: Number(frame.heartbeat_seconds) || 25 });
          changes.push({ type: "state", state: model.state });
          break;
        case "ack":
          settle(frame.client_id, "sent", frame.seq);
          changes.push({ type: "ack", clientId: frame.client_id });
          break;
        case "queue":
          model.queue = {
            position: Number(frame.position) || null,
            estimatedWaitSeconds: frame.estimated_wait_seconds == null ? null : Number(frame.estimated_wait_seconds),
          };
          changes.push({ type: "queue", queue: model.queue });
          break;
        case "typing":
          model.typing = frame.on ? { author: frame.author === "bot" ? "bot" : "advisor" } : null;
          changes.push({ type: "typing", typing: model.typing });
          break;
        case "reload_required":
          changes.push({ type: "reload", reason: String(frame.reason || "") });
          break;
        case "throttled":
          changes.push({ type: "throttled", retryAfter: Number(frame.retry_after) || 1, clientId: frame.client_id || null });
          break;
        case "error":
          if (frame.client_id && model.outbox.has(frame.client_id)) settle(frame.client_id, "failed");
          changes.push({ type: "error", code: String(frame.code || ""), clientId: frame.client_id || null });
          break;
        default:
          break; // ping, pong and anything newer
      }
      return changes;
    },

    // Replace everything with a full transcript (after reload_required).
    replaceWith(transcript) {
      model.items.length = 0;
      byKey.clear();
      model.lastSeq = 0;
      model.queue = null;
      model.notice = null;
      model.ratingRequested = false;
      model.rated = false;
      if (STATES.includes(transcript.state)) model.state = transcript.state;
      const changes = [{ type: "reset" }];
      for (const event of transcript.events || []) applyEvent({ type: "event", ...event }, changes);
      if (Number(transcript.last_seq) > model.lastSeq) model.lastSeq = Number(transcript.last_seq);
      // Pending messages the transcript does not have yet are still ours to show.
      for (const frame of model.outbox.values()) if (frame.type === "message") showPending(frame, changes);
      return changes;
    },

    // A line said by this widget itself (not the server's history): shown at
    // the end of the chat now, not kept across a reload.
    notice(textKey, vars = {}) {
      const changes = [];
      notices += 1;
      addItem({ key: `n${notices}`, seq: null, at: new Date().toISOString(), kind: "system", textKey, vars }, changes);
      return changes;
    },

    // A resident's message (or quick reply): stored in the outbox until acked.
    compose(text, payload = null, metadata = {}) {
      const frame = { type: "message", client_id: makeId(), text, payload, metadata };
      model.outbox.set(frame.client_id, frame);
      const changes = [];
      showPending(frame, changes);
      return { frame, changes };
    },

    leaveMessage(text, contact) {
      const frame = { type: "leave_message", client_id: makeId(), text, contact };
      model.outbox.set(frame.client_id, frame);
      return frame;
    },

    // Frames to (re)send after a connection opens, oldest first.
    pendingFrames() {
      return [...model.outbox.values()];
    },

    markSeen() {
      model.seen = Math.max(model.seen, model.lastSeq);
    },

    snapshot() {
      return { cursor: model.lastSeq, seen: Math.max(model.seen, model.lastSeq), outbox: api.pendingFrames() };
    },
  };

  function showPending(frame, changes) {
    addItem(
      {
        key: frame.client_id,
        seq: null,
        at: null,
        kind: "message",
        author: "resident",
        authorName: "",
        text: frame.text,
        buttons: [],
        links: [],
        status: "sending",
      },
      changes,
    );
  }

  // Messages typed before a reload that the server never acknowledged.
  for (const frame of outbox) {
    if (!frame || typeof frame !== "object" || !frame.client_id) continue;
    if (frame.type !== "message" && frame.type !== "leave_message") continue;
    model.outbox.set(frame.client_id, frame);
    if (frame.type === "message") showPending(frame, []);
  }

  return api;
}
