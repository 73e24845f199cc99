// The advisor console's queue (handoff/static/console/queue.js): a resident who
// left the page is said to be away in words, not by colour alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptWithin, awaySeconds, awayText, freshenOffers } from "../../handoff/static/console/queue.js";

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

test("an offer shows the resident leaving after it was made", () => {
  const offers = new Map([["c1", { conversation_id: "c1", item: { conversation_id: "c1", resident_away_seconds: null } }]]);
  const later = { conversation_id: "c1", resident_away_since: "2026-12-07T10:00:00Z", resident_away_seconds: 25 };
  freshenOffers(offers, [{ conversation_id: "c2", resident_away_seconds: 90 }, later]);
  assert.equal(offers.get("c1").item, later);
  assert.equal(offers.size, 1); // a queue item offered to nobody here adds no offer
});

test("the offer's countdown says one second, not one seconds, and never zero seconds", () => {
  assert.equal(acceptWithin(0), "Accept now or it goes to the next advisor.");
  assert.equal(acceptWithin(1), "Accept within 1 second or it goes to the next advisor.");
  assert.equal(acceptWithin(12), "Accept within 12 seconds or it goes to the next advisor.");
});
