// The advisor console's messages (handoff/static/console/messages.js): what the
// server says in a developer's words reaches the advisor in plain words, in
// English or Welsh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FIELD_NAMES, MESSAGES, messageLanguage, missingField, plainMessage, text } from "../../handoff/static/console/messages.js";

const ROOT = new URL("../../", import.meta.url);
const FIELD_FORMS = ["{name}", "{a_name}", "{the_name}", "{object}"];

test("a validation error names the field in plain words, never the rule", () => {
  const tooLong = [{ loc: ["body", "note"], msg: "String should have at most 2000 characters", type: "string_too_long" }];
  assert.equal(plainMessage(422, "invalid_request", "note: String should have at most 2000 characters", tooLong, "en"),
    "The note is too long. Shorten it and try again.");
  const missing = [{ loc: ["body", "summary"], msg: "Field required", type: "missing" }];
  assert.equal(plainMessage(422, "invalid_request", "summary: Field required", missing, "en"), "Enter a summary.");
  assert.equal(plainMessage(422, "invalid_request", "x", [], "en"), "Check the answer and try again.");
  assert.equal(plainMessage(422, "invalid_request", "x", [{ loc: ["body", "advisor_id"], type: "missing" }], "en"), "Enter an advisor.");
});

test("the same errors in Welsh, with the field's name mutated as Welsh needs", () => {
  const missing = [{ loc: ["body", "summary"], type: "missing" }];
  assert.equal(plainMessage(422, "invalid_request", "summary: Field required", missing, "cy"), "Rhowch grynodeb.");
  const tooLong = [{ loc: ["body", "note"], type: "string_too_long" }];
  assert.equal(plainMessage(422, "invalid_request", "x", tooLong, "cy"),
    "Mae'r nodyn yn rhy hir. Byrhewch y testun a rhowch gynnig arall arni.");
  assert.equal(plainMessage(422, "invalid_request", "x", [{ loc: ["advisor_id"], type: "x" }], "cy"),
    "Gwiriwch yr ymgynghorydd a rhowch gynnig arall arni.");
  assert.equal(missingField("text", "cy"), "Rhowch neges.");
  assert.equal(missingField("text", "en"), "Enter a message.");
});

test("a move the chat no longer allows is explained, plain server sentences pass through in English", () => {
  const message = plainMessage(409, "illegal_transition", "a conversation cannot move from closed to closed (close)", undefined, "en");
  assert.match(message, /^This chat has changed since you opened it/);
  assert.doesNotMatch(message, /cannot move from/);
  assert.equal(plainMessage(409, "not_assigned", "This chat is not yours.", undefined, "en"), "This chat is not yours.");
  assert.equal(plainMessage(409, "not_assigned", "This chat is not yours.", undefined, "cy"), "Nid chi sy'n gyfrifol am y sgwrs hon.");
  assert.equal(plainMessage(422, "invalid", "That advisor is not available.", undefined, "cy"), "Nid yw'r ymgynghorydd hwnnw ar gael.");
  // a code nobody knows: the server's sentence in English, never English in a Welsh console
  assert.equal(plainMessage(500, "mystery", "Odd.", undefined, "en"), "Odd.");
  assert.equal(plainMessage(500, "mystery", "Odd.", undefined, "cy"), text("error", "cy"));
});

test("every console message has a Welsh text of its own", () => {
  for (const [key, pair] of Object.entries(MESSAGES)) {
    assert.equal(pair.length, 2, key);
    const [english, welsh] = pair;
    assert.ok(english.trim() && welsh.trim(), key);
    assert.notEqual(english, welsh, key);
    // the same values in both (a field's name takes a different form in each)
    const values = (words) => (words.match(/\{\w+\}/g) || []).filter((p) => !FIELD_FORMS.includes(p));
    assert.deepEqual(values(welsh), values(english), key);
    for (const word of [" the ", " try again", " chat ", " you "]) assert.ok(!welsh.toLowerCase().includes(word), `${key}: ${word}`);
  }
  for (const [field, names] of Object.entries(FIELD_NAMES)) assert.equal(names.length, 4, field);
});

test("every code the handoff service and sign-in can send has words in both languages", () => {
  const sources = ["handoff/exceptions.py", "handoff/cobrowse.py", "handoff/protocol.py", "frontdoor/accounts/exceptions.py"];
  const codes = new Set();
  for (const path of sources) {
    const source = readFileSync(new URL(path, ROOT), "utf8");
    for (const match of source.matchAll(/code\s*=\s*"([a-z_]+)"/g)) codes.add(match[1]);
  }
  for (const dependency of ["bot", "backoffice", "knowledge"]) codes.add(`${dependency}_unavailable`);
  // sign-in's own form answers these (the login page), never the console's scripts
  for (const formOnly of ["accounts_error", "invalid_credentials", "login_throttled", "user_exists", "weak_password"]) codes.delete(formOnly);
  assert.ok(codes.size >= 20, [...codes].join(", "));
  for (const code of codes) {
    const welsh = plainMessage(400, code, "English from the server.", undefined, "cy");
    assert.notEqual(welsh, "English from the server.", code);
    if (!["handoff_error", "cobrowse"].includes(code)) assert.notEqual(welsh, text("error", "cy"), code);
  }
});

test("the language is the one the server wrote on the page", () => {
  const page = (value) => ({ documentElement: { getAttribute: (name) => (name === "data-message-lang" ? value : null) } });
  assert.equal(messageLanguage(page("cy")), "cy");
  assert.equal(messageLanguage(page("en")), "en");
  assert.equal(messageLanguage(page(null)), "en");
  assert.equal(messageLanguage(undefined), "en");
});
