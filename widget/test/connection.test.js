import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createConnection } from "../src/connection.js";
import { FakeSocket, manualTimers } from "./helpers.js";

beforeEach(() => FakeSocket.reset());

function setup(extra = {}) {
  const timers = manualTimers();
  const statuses = [];
  const frames = [];
  let cursor = 0;
  const connection = createConnection({
    urlFor: () => `ws://svc/ws/resident?cursor=${cursor}`,
    WebSocketImpl: FakeSocket,
    onFrame: (frame) => frames.push(frame),
    onStatus: (status, detail) => statuses.push([status, detail]),
    timers,
    now: timers.now,
    random: () => 1,
    ...extra,
  });
  return { connection, timers, statuses, frames, setCursor: (n) => (cursor = n) };
}

test("connects, passes frames on, and reconnects from the new cursor with back-off", () => {
  const { connection, timers, statuses, frames, setCursor } = setup();
  connection.start();
  const first = FakeSocket.last;
  first.open();
  first.receive({ type: "welcome", heartbeat_seconds: 25 });
  assert.equal(frames[0].type, "welcome");
  setCursor(7);
  first.serverClose(1006);
  assert.deepEqual(statuses.at(-1), ["waiting", { delayMs: 500 }]);
  timers.advance(499);
  assert.equal(FakeSocket.instances.length, 1);
  timers.advance(1);
  assert.equal(FakeSocket.instances.length, 2);
  assert.equal(FakeSocket.last.url, "ws://svc/ws/resident?cursor=7");
  FakeSocket.last.serverClose(1011);
  assert.deepEqual(statuses.at(-1), ["waiting", { delayMs: 1000 }], "grows when nothing was heard");
});

test("stops for good on 4404 and after a normal close", () => {
  for (const code of [4404, 4403, 1000]) {
    FakeSocket.reset();
    const { connection, timers, statuses } = setup();
    connection.start();
    FakeSocket.last.open();
    FakeSocket.last.serverClose(code);
    assert.equal(statuses.at(-1)[0], "stopped");
    timers.advance(60000);
    assert.equal(FakeSocket.instances.length, 1, `no reconnect after ${code}`);
  }
});

test("pings every heartbeat and drops a silent connection after three", () => {
  const { connection, timers } = setup();
  connection.start();
  const socket = FakeSocket.last;
  socket.open();
  socket.receive({ type: "welcome", heartbeat_seconds: 10 });
  timers.advance(10000);
  assert.equal(socket.frames("ping").length, 1);
  timers.advance(20000);
  assert.equal(socket.closedWith, null, "30 s of silence is still allowed");
  timers.advance(10000);
  assert.equal(socket.closedWith, 4000, "closed by the watchdog");
  timers.advance(1000);
  assert.equal(FakeSocket.instances.length, 2, "and reconnected");
});

test("waits for the browser to be online, then reconnects at once", () => {
  const listeners = {};
  const win = { navigator: { onLine: false }, addEventListener: (name, fn) => (listeners[name] = fn), removeEventListener() {} };
  const { connection, statuses } = setup({ win });
  connection.start();
  assert.equal(statuses.at(-1)[0], "offline");
  assert.equal(FakeSocket.instances.length, 0);
  win.navigator.onLine = true;
  listeners.online();
  assert.equal(FakeSocket.instances.length, 1);
});

test("send is refused while not open", () => {
  const { connection } = setup();
  connection.start();
  assert.equal(connection.send({ type: "ping" }), false);
  FakeSocket.last.open();
  assert.equal(connection.send({ type: "ping" }), true);
  assert.equal(FakeSocket.last.sent.length, 1);
});
