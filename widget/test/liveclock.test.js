// The console's co-browse replayer clock (handoff/static/console/liveclock.js):
// rrweb's live-mode timer plays an event once the time it has counted since
// startLive(baseline) reaches (event.timestamp - baseline), and it counts the
// mirror window's performance.now(). Every stamp must be due when it is given,
// on that clock, whatever Date.now() does, and never below the baseline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { liveClock } from "../../handoff/static/console/liveclock.js";

// rrweb 2.x's rule (Timer.rafCheck + addDelay): due once counted >= timestamp - baseline.
function dueAt(clock, timestamp) {
  return timestamp - clock.baseline;
}

test("an event arriving later is due as soon as it arrives, even when Date.now() steps", (t) => {
  let perf = 5000.25;
  const clock = liveClock(() => perf); // the replayer's timer starts counting now
  const started = perf;
  const realNow = Date.now;
  t.after(() => { Date.now = realNow; });
  for (const [wait, step] of [[40, 0], [120, 8000], [16, -3000], [2500, 60000]]) {
    perf += wait;
    Date.now = () => realNow() + step; // the wall clock corrected under the console
    const counted = perf - started; // what the timer has counted when the event arrives
    assert.ok(dueAt(clock, clock.stamp()) <= counted, `due on arrival after ${wait} ms, wall clock stepped ${step} ms`);
  }
});

test("stamps never fall below the baseline or go backwards, so events play live and in order", () => {
  const readings = [10, 10, 9.5, 30, 30, 29];
  const clock = liveClock(() => readings.shift() ?? 31);
  assert.equal(clock.baseline, 10);
  const stamps = [1, 2, 3, 4, 5].map(() => clock.stamp());
  assert.deepEqual(stamps, [10, 10, 29, 29, 29]); // 1 ms early: the timer starts just after the baseline
  for (const stamp of stamps) assert.ok(stamp >= clock.baseline, "below the baseline rrweb would fast-forward it into a virtual DOM");
});

test("a baseline of zero would make startLive() fall back to Date.now(): it is at least 1", () => {
  const clock = liveClock(() => 0);
  assert.ok(clock.baseline >= 1);
  assert.ok(clock.stamp() >= clock.baseline);
});
