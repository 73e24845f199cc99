import assert from "node:assert/strict";
import { test } from "node:test";

import { looksLikeCardNumber, luhnValid } from "../src/cardcheck.js";

test("a Luhn-valid card number is spotted, with spaces or dashes", () => {
  assert.equal(looksLikeCardNumber("my card is 4111 1111 1111 1111"), true);
  assert.equal(looksLikeCardNumber("5500-0000-0000-0004 please"), true);
});

test("references, phone numbers and wrong checksums are not cards", () => {
  assert.equal(looksLikeCardNumber("council tax CT40012345"), false);
  assert.equal(looksLikeCardNumber("call 07700 900123"), false);
  assert.equal(looksLikeCardNumber("4111 1111 1111 1112"), false);
  assert.equal(looksLikeCardNumber("0000 0000 0000 0000"), false);
  assert.equal(luhnValid("411111"), false);
});
