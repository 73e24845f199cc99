// Shared test doubles: a DOM, a scriptable WebSocket and manual timers.
import { JSDOM } from "jsdom";

export function makeDom(url = "http://localhost:8000/bins") {
  const dom = new JSDOM("<!doctype html><html lang='en'><head></head><body><main><h1>Bins</h1></main></body></html>", {
    url,
    pretendToBeVisual: true,
  });
  return dom.window;
}

export class FakeSocket {
  static instances = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    FakeSocket.instances.push(this);
  }
  static reset() {
    FakeSocket.instances = [];
  }
  static get last() {
    return FakeSocket.instances[FakeSocket.instances.length - 1];
  }
  open() {
    this.readyState = 1;
    this.onopen && this.onopen({});
  }
  receive(frame) {
    this.onmessage && this.onmessage({ data: JSON.stringify(frame) });
  }
  serverClose(code) {
    this.readyState = 3;
    this.onclose && this.onclose({ code });
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code) {
    this.closedWith = code;
    this.readyState = 3;
  }
  frames(type) {
    return this.sent.filter((frame) => frame.type === type);
  }
}

export function manualTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map();
  const timers = {
    setTimeout(fn, ms) {
      const id = next++;
      pending.set(id, { fn, at: now + ms, every: null });
      return id;
    },
    clearTimeout(id) {
      pending.delete(id);
    },
    setInterval(fn, ms) {
      const id = next++;
      pending.set(id, { fn, at: now + ms, every: ms });
      return id;
    },
    clearInterval(id) {
      pending.delete(id);
    },
    now: () => now,
    // Run every timer due within `ms`, in time order.
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let due = null;
        for (const [id, timer] of pending) if (timer.at <= until && (!due || timer.at < due[1].at)) due = [id, timer];
        if (!due) break;
        const [id, timer] = due;
        now = timer.at;
        if (timer.every) timer.at += timer.every;
        else pending.delete(id);
        timer.fn();
      }
      now = until;
    },
    get count() {
      return pending.size;
    },
  };
  return timers;
}

export function event(seq, kind, data, at = "2025-03-01T09:30:00.000Z") {
  return { type: "event", seq, conversation_id: "c1", kind, at, data };
}

export function message(seq, author, text, extra = {}) {
  return event(seq, "message", { author, author_name: extra.author_name || "", text, client_id: null, buttons: [], links: [], ...extra });
}

export const flush = () => new Promise((resolve) => setImmediate(resolve));
