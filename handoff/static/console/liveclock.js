// When the co-browse replayer plays each event (PROTOCOL.md §9).
//
// rrweb's Replayer in live mode plays an added event once its timer reaches
// the event's timestamp minus the baseline given to startLive(). The timer
// counts performance.now() of the window the replayer runs in, from
// startLive(). An event stamped with Date.now() mixes two clocks: the wall
// clock can step or slew (NTP, a laptop or VM resumed) while performance.now()
// does not, and every later event then waits out the difference, a steady lag
// on every change (seen as 0.1 to 8 s). An event stamped below the baseline is
// worse: the replayer takes it as fast-forward and puts its DOM changes in a
// virtual DOM that live mode never draws.
//
// So the baseline and every stamp come from the timer's own clock: each event
// is due the moment it arrives, is played on the replayer's next animation
// frame, and events play in the order they arrived (the resident's own
// timestamps come from another machine's clock and are not used for timing).

// the replayer's timer starts a moment after the baseline is read (and the
// clock may be coarsened): a stamp this much early is still due on arrival
const START_SLACK_MS = 1;

export function liveClock(now) {
  const baseline = Math.max(1, now()); // startLive() takes a falsy baseline as "use Date.now()"
  let last = baseline;
  return {
    baseline,
    // the time to give an event arriving now: never below the baseline or the last stamp
    stamp() {
      last = Math.max(last, now() - START_SLACK_MS);
      return last;
    },
  };
}
