// The advisor console's messages (handoff/static/console/messages.js): what the
// server says in a developer's words reaches the advisor in plain words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { plainMessage } from "../../handoff/static/console/messages.js";

test("a validation error names the field in plain words, never the rule", () => {
  const tooLong = [{ loc: ["body", "note"], msg: "String should have at most 2000 characters", type: "string_too_long" }];
  assert.equal(plainMessage(422, "invalid_request", "note: String should have at most 2000 characters", tooLong),
    "The note is too long. Shorten it and try again.");
  const missing = [{ loc: ["body", "summary"], msg: "Field required", type: "missing" }];
  assert.equal(plainMessage(422, "invalid_request", "summary: Field required", missing), "Enter a summary.");
  assert.equal(plainMessage(422, "invalid_request", "x", []), "Check the answer and try again.");
});

test("a move the chat no longer allows is explained, other messages pass through", () => {
  const message = plainMessage(409, "illegal_transition", "a conversation cannot move from closed to closed (close)");
  assert.match(message, /^This chat has changed since you opened it/);
  assert.doesNotMatch(message, /cannot move from/);
  assert.equal(plainMessage(403, "not_assigned", "This chat is not yours."), "This chat is not yours.");
});
