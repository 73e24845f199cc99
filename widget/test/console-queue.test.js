// The advisor console's queue (handoff/static/console/queue.js): a resident who
// left the page is said to be away in words, not by colour alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { awaySeconds, awayText } from "../../handoff/static/console/queue.js";

test("a resident here is not called away", () => {
  assert.equal(awayText(null), "");
  assert.equal(awayText(undefined), "");
  assert.equal(awayText("soon"), "");
});

test("a resident away says for how long, in whole minutes", () => {
  assert.equal(awayText(25), "Resident left the page less than a minute ago. They may not be there to answer.");
  assert.equal(awayText(180), "Resident left the page 3 min ago. They may not be there to answer.");
  assert.equal(awayText(239), "Resident left the page 3 min ago. They may not be there to answer.");
});

test("the time away keeps counting from when the resident was last heard", () => {
  const item = { resident_away_since: "2026-12-07T10:00:00.000Z", resident_away_seconds: 30 };
  assert.equal(awaySeconds(item, Date.parse("2026-12-07T10:04:10Z")), 250);
  assert.equal(awaySeconds(item, Date.parse("2026-12-07T10:00:05Z")), 30); // a slow clock
  assert.equal(awaySeconds({ resident_away_since: "garbled", resident_away_seconds: 42 }), 42);
  assert.equal(awaySeconds({ resident_away_since: null, resident_away_seconds: null }), null);
});
