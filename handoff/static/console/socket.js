// The advisor WebSocket (PROTOCOL.md §3.3): reconnects with back-off and
// resumes each chat from the last seq the console has, via ?cursors=.

const FINAL = { 4401: "signed_out", 4403: "forbidden", 4400: "bad_request" };

export function createAdvisorSocket({ cursors, onFrame, onStatus }) {
  let socket = null;
  let attempt = 0;
  let retry = null;
  let beat = null;
  let heartbeatSeconds = 25;
  let lastHeard = 0;
  let stopped = false;

  function url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const pairs = Object.entries(cursors()).map(([id, seq]) => `${id}:${seq}`);
    const query = pairs.length ? `?cursors=${encodeURIComponent(pairs.join(","))}` : "";
    return `${scheme}//${window.location.host}/ws/advisor${query}`;
  }

  function connect() {
    clearTimeout(retry);
    if (stopped) return;
    onStatus("connecting");
    const ws = new WebSocket(url());
    socket = ws;
    ws.onopen = () => {
      lastHeard = Date.now();
      onStatus("open");
      startBeat();
    };
    ws.onmessage = (message) => {
      lastHeard = Date.now();
      attempt = 0;
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame.type === "welcome" && Number(frame.heartbeat_seconds) > 0) {
        heartbeatSeconds = Number(frame.heartbeat_seconds);
        startBeat();
      }
      onFrame(frame);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      clearInterval(beat);
      const final = FINAL[event.code];
      if (final === "signed_out") {
        window.location.assign(`/console/login?next=${encodeURIComponent(window.location.pathname)}`);
        return;
      }
      if (final) {
        stopped = true;
        onStatus("stopped", final);
        return;
      }
      const ceiling = Math.min(15000, 500 * 2 ** attempt);
      const delay = Math.round(ceiling / 2 + (ceiling / 2) * Math.random());
      attempt += 1;
      onStatus("waiting", delay);
      retry = setTimeout(connect, delay);
    };
  }

  function startBeat() {
    clearInterval(beat);
    beat = setInterval(() => {
      if (!socket) return;
      if (Date.now() - lastHeard > heartbeatSeconds * 3000) {
        const ws = socket;
        ws.close(4000, "silent");
        ws.onclose({ code: 4000 });
        return;
      }
      send({ type: "ping" });
    }, heartbeatSeconds * 1000);
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  window.addEventListener("online", () => {
    if (!socket && !stopped) {
      attempt = 0;
      connect();
    }
  });

  return { start: connect, send };
}
