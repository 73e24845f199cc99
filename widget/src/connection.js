// One resident WebSocket with reconnection, heartbeat and a visible status.
// The socket class, timers, clock and randomness are injected so the tests
// drive it without a network. PROTOCOL.md §2.3 and §2.6.

import { backoffDelay } from "./backoff.js";

// Close codes after which reconnecting cannot help.
const FINAL = { 1000: "closed", 4400: "bad_request", 4401: "gone", 4403: "gone", 4404: "gone" };

export function createConnection({
  urlFor,
  WebSocketImpl,
  onFrame,
  onStatus,
  onOpen = () => {},
  timers = globalThis,
  now = () => Date.now(),
  random = Math.random,
  win = null,
}) {
  let socket = null;
  let attempt = 0;
  let retryTimer = null;
  let heartbeatTimer = null;
  let heartbeatSeconds = 25;
  let lastHeard = 0;
  let stopped = false;
  let status = "idle";

  function setStatus(next, detail = {}) {
    status = next;
    onStatus(next, detail);
  }

  function clearTimers() {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    if (heartbeatTimer !== null) timers.clearInterval(heartbeatTimer);
    retryTimer = null;
    heartbeatTimer = null;
  }

  function isOffline() {
    return Boolean(win && win.navigator && win.navigator.onLine === false);
  }

  function connect() {
    clearTimers();
    if (stopped) return;
    if (isOffline()) {
      setStatus("offline");
      return; // the "online" event brings us back
    }
    setStatus("connecting");
    let ws;
    try {
      ws = new WebSocketImpl(urlFor());
    } catch {
      scheduleRetry();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      lastHeard = now();
      setStatus("open");
      startHeartbeat();
      onOpen();
    };
    ws.onmessage = (message) => {
      if (socket !== ws) return;
      lastHeard = now();
      attempt = 0; // the server is really talking to us: back-off starts again
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame && frame.type === "welcome" && Number(frame.heartbeat_seconds) > 0) {
        heartbeatSeconds = Number(frame.heartbeat_seconds);
        startHeartbeat();
      }
      onFrame(frame);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      clearTimers();
      const final = FINAL[event.code];
      if (final) {
        stopped = true;
        setStatus("stopped", { reason: final, code: event.code });
      } else {
        scheduleRetry();
      }
    };
    ws.onerror = () => {
      // onclose follows and decides what to do
    };
  }

  function scheduleRetry() {
    if (stopped) return;
    if (isOffline()) {
      setStatus("offline");
      return;
    }
    const delay = backoffDelay(attempt, random);
    attempt += 1;
    setStatus("waiting", { delayMs: delay });
    retryTimer = timers.setTimeout(connect, delay);
  }

  function startHeartbeat() {
    if (heartbeatTimer !== null) timers.clearInterval(heartbeatTimer);
    heartbeatTimer = timers.setInterval(() => {
      if (!socket) return;
      // Heard nothing for three beats: the connection is dead even if the
      // browser has not noticed (a laptop lid closed, a train tunnel).
      if (now() - lastHeard > heartbeatSeconds * 3000) {
        drop();
        return;
      }
      send({ type: "ping" });
    }, heartbeatSeconds * 1000);
  }

  function drop() {
    const ws = socket;
    socket = null;
    clearTimers();
    if (ws) {
      try {
        ws.close(4000, "client reconnecting");
      } catch {
        // already closing
      }
    }
    scheduleRetry();
  }

  function send(frame) {
    if (!socket || socket.readyState !== 1) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  // bytes the browser has yet to put on the wire (the co-browse mirror waits on it)
  function bufferedAmount() {
    return socket ? socket.bufferedAmount || 0 : 0;
  }

  function onOnline() {
    if (!stopped && !socket) {
      attempt = 0;
      connect();
    }
  }

  function onOffline() {
    if (socket) drop();
  }

  if (win && win.addEventListener) {
    win.addEventListener("online", onOnline);
    win.addEventListener("offline", onOffline);
  }

  return {
    start() {
      stopped = false;
      attempt = 0;
      connect();
    },
    stop() {
      stopped = true;
      clearTimers();
      const ws = socket;
      socket = null;
      if (ws) {
        try {
          ws.close(1000, "widget closed");
        } catch {
          // already closed
        }
      }
      if (win && win.removeEventListener) {
        win.removeEventListener("online", onOnline);
        win.removeEventListener("offline", onOffline);
      }
    },
    retryNow() {
      if (!stopped && !socket) {
        attempt = 0;
        connect();
      }
    },
    send,
    bufferedAmount,
    get status() {
      return status;
    },
    get isOpen() {
      return Boolean(socket && socket.readyState === 1);
    },
  };
}
