import { test } from "node:test";
import assert from "node:assert/strict";
import { createConversation } from "../src/conversation.js";
import { translator } from "../src/i18n.js";
import { event, message } from "./helpers.js";

const ids = () => {
  let n = 0;
  return () => `client-${(n += 1)}`;
};

test("applies events in order and ignores a replayed seq", () => {
  const c = createConversation();
  c.receive(message(1, "bot", "Hello"));
  c.receive(message(3, "bot", "How can I help?"));
  const again = c.receive(message(3, "bot", "How can I help?"));
  assert.deepEqual(again, []);
  assert.equal(c.model.items.length, 2);
  assert.equal(c.model.lastSeq, 3);
});

test("a bot message keeps the language the bot answered in, when it is one the widget speaks", () => {
  const c = createConversation();
  c.receive(message(1, "bot", "Helo.", { language: "cy" }));
  c.receive(message(2, "bot", "Hello.", { language: "en" }));
  c.receive(message(3, "bot", "Bonjour.", { language: "fr" }));
  c.receive(message(4, "bot", "No language."));
  c.receive(message(5, "advisor", "Helo.", { language: "cy" })); // only the bot's turn says it
  assert.deepEqual(
    c.model.items.map((item) => item.language),
    ["cy", "en", null, null, null],
  );
});

test("the resident's own message is one item: optimistic, acked, echoed", () => {
  const c = createConversation({ makeId: ids() });
  const { frame, changes } = c.compose("My bin was missed");
  assert.equal(frame.type, "message");
  assert.equal(frame.client_id, "client-1");
  assert.equal(changes[0].item.status, "sending");
  assert.deepEqual(c.pendingFrames(), [frame]);
  c.receive({ type: "ack", client_id: "client-1", seq: 5, duplicate: false });
  assert.deepEqual(c.pendingFrames(), []);
  c.receive(message(5, "resident", "My bin was missed", { client_id: "client-1" }));
  assert.equal(c.model.items.length, 1);
  assert.equal(c.model.items[0].status, "sent");
  assert.equal(c.model.items[0].seq, 5);
});

test("history replayed after a reload goes above messages still pending", () => {
  const outbox = [{ type: "message", client_id: "p1", text: "typed before reload", payload: null, metadata: {} }];
  const c = createConversation({ seen: 2, outbox });
  assert.equal(c.model.items[0].key, "p1");
  const first = c.receive(message(1, "bot", "Hello"));
  assert.equal(first[0].before, "p1");
  assert.equal(first[0].announce, false, "already seen before the reload");
  c.receive(message(2, "bot", "Ask me anything"));
  const fresh = c.receive(message(4, "advisor", "Hi, I'm Sam", { author_name: "Sam" }));
  assert.equal(fresh[0].announce, true);
  assert.deepEqual(
    c.model.items.map((item) => item.key),
    ["s1", "s2", "s4", "p1"],
  );
  assert.equal(c.pendingFrames().length, 1, "still to be resent");
});

test("state, queue, advisor and typing", () => {
  const c = createConversation();
  c.receive({ type: "welcome", state: "bot", last_seq: 0, heartbeat_seconds: 25 });
  c.receive(event(1, "state", { state: "waiting", previous: "bot", reason: "request_human" }));
  c.receive({ type: "queue", position: 2, estimated_wait_seconds: 240 });
  assert.deepEqual(c.model.queue, { position: 2, estimatedWaitSeconds: 240 });
  c.receive(event(2, "state", { state: "with_advisor", previous: "waiting" }));
  assert.equal(c.model.queue, null);
  c.receive(event(3, "advisor_joined", { first_name: "Sam" }));
  assert.equal(c.model.advisorName, "Sam");
  c.receive({ type: "typing", author: "advisor", on: true });
  assert.deepEqual(c.model.typing, { author: "advisor" });
  c.receive(message(4, "advisor", "Hello", { author_name: "Sam" }));
  assert.equal(c.model.typing, null, "a message ends typing");
  const joined = c.model.items.find((item) => item.textKey === "advisorJoined");
  assert.deepEqual(joined.vars, { name: "Sam" });
});

test("out-of-hours notice offers a message; the case reference settles it", () => {
  const c = createConversation({ makeId: ids() });
  c.receive(event(1, "notice", { code: "out_of_hours", text: "We're closed.", opening_hours: "Mon–Fri 09:00–17:00", can_leave_message: true }));
  assert.equal(c.model.notice.canLeaveMessage, true);
  const frame = c.leaveMessage("Please call me", "01234 567890");
  assert.equal(frame.type, "leave_message");
  assert.equal(c.pendingFrames().length, 1);
  c.receive(event(2, "case_created", { reference: "BDC-123", text: "Thanks" }));
  assert.equal(c.pendingFrames().length, 0);
  assert.equal(c.model.notice, null);
  assert.equal(c.model.items.at(-1).vars.reference, "BDC-123");
});

test("rating request, then rating", () => {
  const c = createConversation();
  c.receive(event(1, "state", { state: "closed", previous: "with_advisor" }));
  c.receive(event(2, "rating_request", { text: "How did we do?" }));
  assert.equal(c.model.ratingRequested, true);
  c.receive(event(3, "rating", { stars: 5, comment: "" }));
  assert.equal(c.model.rated, true);
  assert.equal(c.model.ratingRequested, false);
});

test("reload_required asks for the transcript; replaceWith rebuilds from it", () => {
  const c = createConversation({ makeId: ids() });
  c.receive(message(1, "bot", "old"));
  c.compose("pending one");
  assert.equal(c.receive({ type: "reload_required", reason: "unknown_cursor" })[0].type, "reload");
  const changes = c.replaceWith({
    state: "waiting",
    last_seq: 9,
    events: [message(4, "bot", "Hello"), message(7, "resident", "hi", { client_id: "x" })],
  });
  assert.equal(changes[0].type, "reset");
  assert.equal(c.model.state, "waiting");
  assert.equal(c.model.lastSeq, 9);
  assert.deepEqual(
    c.model.items.map((item) => item.text),
    ["Hello", "hi", "pending one"],
  );
});

test("errors and throttling name the client_id; unknown frames are ignored", () => {
  const c = createConversation({ makeId: ids() });
  c.compose("hello");
  const throttled = c.receive({ type: "throttled", retry_after: 4.2, client_id: "client-1" });
  assert.deepEqual(throttled, [{ type: "throttled", retryAfter: 4.2, clientId: "client-1" }]);
  assert.equal(c.pendingFrames().length, 1, "kept for the resend");
  c.receive({ type: "error", code: "conversation_closed", client_id: "client-1" });
  assert.equal(c.model.items[0].status, "failed");
  assert.deepEqual(c.receive({ type: "something_new" }), []);
  assert.deepEqual(c.receive(event(5, "co_browse_offer", {})), []);
  assert.deepEqual(c.receive(null), []);
});

test("text is kept as given: markup stays text", () => {
  const c = createConversation();
  c.receive(message(1, "advisor", "<img src=x onerror=alert(1)>", { author_name: "<b>Sam</b>" }));
  assert.equal(c.model.items[0].text, "<img src=x onerror=alert(1)>");
  assert.equal(c.model.items[0].authorName, "<b>Sam</b>");
});

test("a line the widget says itself stays where it was said; later messages go below it", () => {
  const c = createConversation();
  c.receive(message(1, "advisor", "Let me look at your page", { author_name: "Sam" }));
  const said = c.notice("cobrowseAdvisorStopped", { name: "Sam" });
  assert.equal(said[0].item.kind, "system");
  assert.equal(said[0].item.textKey, "cobrowseAdvisorStopped");
  assert.deepEqual(said[0].item.vars, { name: "Sam" });
  assert.equal(said[0].announce, false, "the co-browse code speaks it once itself");
  c.receive(message(2, "advisor", "All done", { author_name: "Sam" }));
  assert.deepEqual(
    c.model.items.map((item) => item.key),
    ["s1", "n1", "s2"],
  );
});

test("a waiting chat given up while the resident was away says so, in their language", () => {
  const c = createConversation();
  c.receive({ type: "welcome", state: "waiting", last_seq: 0, heartbeat_seconds: 25 });
  c.receive(event(1, "state", { state: "waiting", previous: "bot", reason: "resident_request" }));
  c.receive(event(2, "state", { state: "closed", previous: "waiting", reason: "expired" }));
  assert.equal(c.model.state, "closed");
  assert.equal(c.model.items.at(-1).textKey, "stateExpired");
  const en = translator("en")("stateExpired");
  assert.match(en, /place in the queue was given up/);
  assert.match(en, /ask for a person again or to leave a message/);
  assert.match(translator("cy")("stateExpired"), /lle yn y ciw/);
  const other = createConversation();
  other.receive(event(1, "state", { state: "closed", previous: "waiting", reason: "closed_by_resident" }));
  assert.equal(other.model.items.at(-1).textKey, "stateClosed");
});
