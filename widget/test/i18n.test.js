import { test } from "node:test";
import assert from "node:assert/strict";
import { STRINGS, translator, describeWait } from "../src/i18n.js";

test("English and Welsh have the same keys and placeholders", () => {
  assert.deepEqual(Object.keys(STRINGS.cy).sort(), Object.keys(STRINGS.en).sort());
  for (const key of Object.keys(STRINGS.en)) {
    const names = (text) => (text.match(/\{\w+\}/g) || []).sort();
    assert.deepEqual(names(STRINGS.cy[key]), names(STRINGS.en[key]), key);
    assert.notEqual(STRINGS.cy[key].trim(), "", key);
  }
});

test("interpolates, and leaves unknown placeholders alone", () => {
  const t = translator("cy");
  assert.equal(t("queuePosition", { position: 2 }), "Rydych chi'n rhif 2 yn y ciw.");
  assert.equal(translator("en")("advisorJoined", {}), "You are now talking to {name} from the council.");
  assert.equal(translator("xx")("send"), "Send");
});

test("describes the wait in words", () => {
  const t = translator("en");
  assert.equal(describeWait(t, null), "We can't estimate the wait right now.");
  assert.equal(describeWait(t, 20), "Estimated wait: less than a minute.");
  assert.equal(describeWait(t, 70), "Estimated wait: about 1 minute.");
  assert.equal(describeWait(t, 240), "Estimated wait: about 4 minutes.");
});
