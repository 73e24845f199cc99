// The console's resend while the service says "later" (handoff/static/console/retry.js):
// a recovery under load outlasted the old 15 s of retries and the advisor's
// message was dropped with "very busy, try again".
import { test } from "node:test";
import assert from "node:assert/strict";
import { withRetry, retryDelay, RETRY_BUDGET_MS } from "../../handoff/static/console/retry.js";

const later = Object.assign(new Error("busy"), { code: "busy" });
const retryable = (error) => error.code === "busy" || error.code === "network";

test("it keeps trying through a recovery of over a minute, with one call at a time", async () => {
  let now = 0;
  const calls = [];
  const waiting = [];
  const answer = await withRetry(
    async () => {
      calls.push(now);
      if (now < 90000) throw later; // the service sheds load for 90 s
      return { seq: 7 };
    },
    { retryable, onWaiting: (error, attempt) => waiting.push(attempt), sleep: async (ms) => { now += ms; }, random: () => 0.5 },
  );
  assert.deepEqual(answer, { seq: 7 });
  assert.deepEqual(calls.slice(0, 6), [0, 1000, 3000, 7000, 15000, 30000]); // backing off
  assert.ok(calls.every((at, i) => i === 0 || at - calls[i - 1] <= 15000));
  assert.equal(waiting.length, calls.length - 1); // the advisor is told before each wait
});

test("it gives up after two minutes, and at once on an error that is not 'later'", async () => {
  let now = 0;
  await assert.rejects(
    withRetry(async () => { throw later; }, { retryable, sleep: async (ms) => { now += ms; } }),
    later,
  );
  assert.equal(now, RETRY_BUDGET_MS);
  let tries = 0;
  const refused = Object.assign(new Error("no"), { code: "not_assigned" });
  await assert.rejects(withRetry(async () => { tries += 1; throw refused; }, { retryable, sleep: async () => {} }), refused);
  assert.equal(tries, 1);
});

test("the waits are jittered around 1 s doubling to 15 s", () => {
  assert.equal(retryDelay(0, () => 0), 750);
  assert.equal(retryDelay(0, () => 1), 1250);
  assert.equal(retryDelay(10, () => 0.5), 15000);
});
