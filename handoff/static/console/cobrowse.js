// Co-browsing in the console (PROTOCOL.md §9): ask the resident, watch their
// page (the rrweb replayer in live mode, loaded on first use), point at things
// on it, stop. The mirror is view-only: the replayed page cannot be clicked
// through, and nothing the advisor does reaches the resident's page except a
// highlight ring with a short label.
//
// The replayer draws in a document of its own, /console/mirror, framed here:
// the resident's page needs inline styles, which the console's own policy
// refuses, and it must never share the console's document (handoff/console.py).
// The replayer's iframe inside it is sandboxed with no scripts at all.
//
// One view per chat, in the workspace's right-hand #cobrowse-panel; the
// selected chat's view is shown. It follows the workspace's events
// (workspace.js): "select", "removed", and every socket "frame".

import { el, uid } from "./dom.js";
import { liveClock } from "./liveclock.js";
import { workspace } from "./workspace.js";

const views = new Map(); // conversation id -> view
const MIRROR_PAGE = "/console/mirror";

// A frame holding the mirror page, resolved once its replayer has loaded.
function mirrorDocument(frame) {
  return new Promise((resolve, reject) => {
    frame.addEventListener("load", () => {
      const mirror = frame.contentWindow && frame.contentWindow.frontdoorMirror;
      if (mirror) resolve(mirror);
      else reject(new Error("the mirror page did not load"));
    }, { once: true });
    frame.addEventListener("error", reject, { once: true });
  });
}

function routeCobrowse(frame) {
  if (frame.type !== "cobrowse" && frame.type !== "cobrowse_mirror") return;
  const view = views.get(frame.conversation_id) || (frame.type === "cobrowse" ? viewFor(frame.conversation_id) : null);
  if (!view) return;
  if (frame.type === "cobrowse") view.state(frame);
  else view.mirror(frame);
}

function labelOf(conversationId) {
  const heading = document.querySelector(`#chat-${CSS.escape(conversationId)} [id^="chat-heading"]`);
  const text = heading && heading.firstChild ? heading.firstChild.textContent.trim() : "";
  return text || `Resident ${conversationId.slice(0, 4).toUpperCase()}`;
}

function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  const line = el("p", { text });
  region.append(line);
  while (region.childNodes.length > 3) region.firstChild.remove();
}

function viewFor(conversationId) {
  let view = views.get(conversationId);
  if (!view) {
    const chat = { id: conversationId, label: labelOf(conversationId), socket: workspace, notifier: { announce } };
    view = new CobrowseView(chat);
    view.root.hidden = true;
    views.set(conversationId, view);
    const panel = document.getElementById("cobrowse-panel");
    if (panel) panel.append(view.root);
  }
  return view;
}

function select(conversationId) {
  const panel = document.getElementById("cobrowse-panel");
  if (!panel) return;
  for (const [id, view] of views) view.root.hidden = id !== conversationId;
  if (conversationId) viewFor(conversationId).root.hidden = false;
  panel.hidden = !conversationId;
  layout();
}

// While the selected chat's page is shared, the right-hand column widens and
// the live view comes first in it: a mirror squeezed under the tools is no use.
function layout() {
  const view = views.get(workspace.selected);
  const sharing = Boolean(view && view.mode === "sharing");
  const grid = document.querySelector(".workspace");
  if (grid) grid.classList.toggle("workspace--cobrowsing", sharing);
  return sharing;
}

workspace.addEventListener("select", (event) => select(event.detail.conversationId));
workspace.addEventListener("frame", (event) => routeCobrowse(event.detail.frame));
workspace.addEventListener("removed", (event) => {
  const view = views.get(event.detail.conversationId);
  if (view) view.destroy();
  views.delete(event.detail.conversationId);
});
if (workspace.selected) select(workspace.selected);

class CobrowseView {
  constructor(card) {
    this.card = card;
    this.mode = "idle"; // idle | requested | sharing
    this.replayer = null;
    this.clock = null;
    this.mirrorFrame = null; // the iframe holding /console/mirror
    this.parts = new Map(); // batch -> {parts, got: []}
    this.pending = []; // events that arrived while the replayer loaded
    this.scale = 1;
    this.pageSize = { width: 1280, height: 800 };
    this.tool = null; // "highlight" | "point"
    this.found = null;
    this.onResize = null;
    const headingId = uid("cobrowse-heading");
    const labelId = uid("cobrowse-label");
    this.status = el("p", { className: "cobrowse__status", role: "status", text: "Not sharing. Ask the resident if you would like to see their page." });
    this.ask = el("button", { type: "button", className: "button button--small", text: "Ask to co-browse", on: { click: () => this.send({ type: "cobrowse_request" }) } });
    // "stop" withdraws a request not yet answered, or ends sharing (its words follow the mode)
    this.stop = el("button", { type: "button", className: "button button--small button--warning", hidden: true, text: "Stop co-browsing", on: { click: () => this.send({ type: "cobrowse_stop" }) } });
    this.highlightTool = el("button", { type: "button", className: "button button--small button--secondary", "aria-pressed": "false", text: "Highlight an element", on: { click: () => this.pick("highlight") } });
    this.pointTool = el("button", { type: "button", className: "button button--small button--secondary", "aria-pressed": "false", text: "Point at a spot", on: { click: () => this.pick("point") } });
    this.refresh = el("button", { type: "button", className: "button button--small button--secondary", text: "Refresh view", on: { click: () => this.send({ type: "cobrowse_snapshot" }) } });
    this.clear = el("button", { type: "button", className: "button button--small button--secondary", text: "Clear pointer", on: { click: () => this.send({ type: "cobrowse_guide", kind: "clear" }) } });
    this.label = el("input", { type: "text", id: labelId, maxlength: "80", className: "cobrowse__label-input" });
    this.links = el("select", { id: uid("cobrowse-links"), className: "cobrowse__links" });
    this.linksButton = el("button", { type: "button", className: "button button--small button--secondary", text: "Highlight", on: { click: () => this.highlightChosen() } });
    this.linksRefresh = el("button", { type: "button", className: "button button--small button--secondary", text: "Refresh list", on: { click: () => this.fillLinks() } });
    this.screen = el("div", { className: "cobrowse__screen" });
    // Pointing by keyboard: with a tool picked, the overlay takes focus; arrow keys move
    // a visible pointer over the mirror (Shift: further), Enter points or highlights
    // there, Escape puts the tool down. Where it is, and what is under it, is announced.
    this.cursor = el("div", { className: "cobrowse__cursor", hidden: true });
    this.keysHelp = el("p", { id: uid("cobrowse-keys"), className: "cobrowse__keys", hidden: true, text: "Arrow keys move the pointer over the resident's page, Shift with an arrow moves it further, Enter points there, Escape stops." });
    this.overlay = el("div", { className: "cobrowse__overlay", hidden: true, "aria-hidden": "true" }, [this.cursor]);
    this.overlay.addEventListener("click", (event) => this.clicked(event));
    this.overlay.addEventListener("keydown", (event) => this.keyed(event));
    this.spot = { x: 0, y: 0 }; // the keyboard pointer, in the mirror's viewport pixels
    this.frame = el("div", { className: "cobrowse__frame", hidden: true, role: "img", "aria-label": `Live view of ${card.label}'s page` }, [this.screen, this.overlay]);
    this.guide = el("div", { className: "cobrowse__guide", hidden: true }, [
      el("div", { className: "cobrowse__row" }, [this.highlightTool, this.pointTool, this.clear]),
      this.keysHelp,
      el("label", { for: labelId, text: "Label shown to the resident (optional)" }),
      this.label,
      el("label", { for: this.links.id, text: "Or highlight a link, button or heading" }),
      el("div", { className: "cobrowse__row" }, [this.links, this.linksButton, this.linksRefresh]),
    ]);
    this.root = el("section", { className: "cobrowse", "aria-labelledby": headingId, "data-conversation": card.id }, [
      el("h4", { id: headingId, className: "cobrowse__heading", text: "Co-browse" }),
      this.status,
      el("div", { className: "cobrowse__row" }, [this.ask, this.stop, this.refresh]),
      this.frame,
      this.guide,
    ]);
  }

  send(frame) {
    if (!this.card.socket.send({ ...frame, conversation_id: this.card.id })) this.say("Not connected. Try again in a moment.");
  }

  say(text, announce = true) {
    this.status.textContent = text;
    if (announce && this.card.notifier) this.card.notifier.announce(text);
  }

  state(frame) {
    const who = this.card.label;
    if (frame.state === "requested") {
      this.setMode("requested");
      this.say(`Asked ${who} to share their page. Waiting for them to allow or decline.`);
    } else if (frame.state === "sharing") {
      this.setMode("sharing");
      this.say(`${who} allowed co-browsing. Their page appears below; form entries and private parts are hidden.`);
      this.startReplayer();
    } else if (frame.state === "declined") {
      this.setMode("idle");
      this.say(`${who} declined co-browsing. Nothing was shared.`);
    } else if (frame.state === "too_large") {
      const mb = (Number(frame.size) / 1e6).toFixed(1);
      this.say(`${who}'s page is too large to mirror (${mb} MB). Guide them in the chat instead.`);
    } else if (frame.state === "stopped") {
      const words = { resident_stopped: `${who} stopped sharing.`, advisor_stopped: "You stopped co-browsing.", too_large: null, tab_closed: `${who} closed the page.` };
      this.setMode("idle");
      const said = frame.reason in words ? words[frame.reason] : "Co-browsing ended.";
      if (said) this.say(said);
    }
  }

  setMode(mode) {
    const before = this.mode;
    this.mode = mode;
    this.ask.hidden = mode !== "idle";
    this.stop.hidden = mode === "idle";
    this.stop.textContent = mode === "requested" ? "Withdraw the request" : "Stop co-browsing";
    this.refresh.hidden = mode !== "sharing";
    this.guide.hidden = mode !== "sharing";
    this.frame.hidden = mode !== "sharing";
    if (mode !== "sharing") {
      this.pick(null);
      this.destroyReplayer();
    }
    if (workspace.selected === this.card.id && layout() && before !== "sharing") {
      // the live view is now first in its column: show it without taking focus
      // (the advisor may be typing a reply), and without scrolling the page
      const column = this.root.closest(".workspace__context");
      if (column) column.scrollTop = 0;
    }
  }

  async startReplayer() {
    if (this.replayer || this.mirrorFrame) return;
    // the mirror is a picture for the advisor: named, and out of the tab order
    const title = `Live view of ${this.card.label}'s page`;
    const frame = el("iframe", { className: "cobrowse__mirror", src: MIRROR_PAGE, title, tabindex: "-1" });
    this.mirrorFrame = frame;
    const loaded = mirrorDocument(frame);
    this.screen.replaceChildren(frame);
    let mirror;
    try {
      mirror = await loaded;
    } catch {
      this.say("The live view could not load. Reload the console and try again.");
      return;
    }
    if (this.mode !== "sharing" || this.replayer || this.mirrorFrame !== frame) return;
    this.replayer = new mirror.Replayer([], {
      root: mirror.root,
      liveMode: true,
      mouseTail: false,
      showWarning: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
    });
    this.replayer.iframe.setAttribute("title", title);
    this.replayer.iframe.setAttribute("tabindex", "-1");
    this.replayer.on("resize", (size) => this.resize(size));
    this.clock = liveClock(mirror.now); // the replayer's timer's clock, not Date.now()
    this.replayer.startLive(this.clock.baseline);
    for (const event of this.pending.splice(0)) this.play(event);
    window.addEventListener("resize", this.onResize = () => this.resize(this.pageSize));
  }

  destroyReplayer() {
    if (this.replayer) {
      try {
        this.replayer.destroy();
      } catch {
        // already gone
      }
    }
    if (this.onResize) window.removeEventListener("resize", this.onResize);
    this.replayer = null;
    this.clock = null;
    this.mirrorFrame = null;
    this.parts.clear();
    this.pending = [];
    this.screen.replaceChildren();
  }

  destroy() {
    this.destroyReplayer();
    this.root.remove();
  }

  mirror(frame) {
    if (this.mode !== "sharing") return;
    let entry = this.parts.get(frame.batch);
    if (!entry) {
      entry = { parts: frame.parts, got: new Array(frame.parts), count: 0 };
      this.parts.set(frame.batch, entry);
    }
    if (entry.got[frame.part] === undefined) {
      entry.got[frame.part] = frame.data;
      entry.count += 1;
    }
    if (entry.count < entry.parts) return;
    this.parts.delete(frame.batch);
    let events;
    try {
      events = JSON.parse(entry.got.join(""));
    } catch {
      this.send({ type: "cobrowse_snapshot" }); // a damaged batch: ask for a fresh page
      return;
    }
    for (const event of events) {
      if (this.replayer) this.play(event);
      else this.pending.push(event);
    }
    window.dispatchEvent(new CustomEvent("frontdoor:cobrowse-batch", { detail: { conversation: this.card.id, events: events.length } }));
  }

  play(event) {
    event.timestamp = this.clock.stamp(); // due now: drawn on the replayer's next frame, in order
    this.replayer.addEvent(event);
  }

  resize(size) {
    if (!size || !size.width) return;
    this.pageSize = size;
    const width = this.frame.clientWidth || this.root.clientWidth || size.width;
    this.scale = Math.min(1, width / size.width);
    if (this.mirrorFrame) {
      // the mirror page at the resident's size, scaled down to fit the panel
      this.mirrorFrame.style.width = `${size.width}px`;
      this.mirrorFrame.style.height = `${size.height}px`;
      this.mirrorFrame.style.transform = `scale(${this.scale})`;
    }
    this.frame.style.height = `${Math.ceil(size.height * this.scale)}px`;
  }

  pick(tool) {
    this.tool = this.tool === tool ? null : tool;
    this.highlightTool.setAttribute("aria-pressed", String(this.tool === "highlight"));
    this.pointTool.setAttribute("aria-pressed", String(this.tool === "point"));
    this.overlay.hidden = !this.tool;
    this.frame.classList.toggle("cobrowse__frame--picking", Boolean(this.tool));
    this.keysHelp.hidden = !this.tool;
    this.cursor.hidden = true;
    if (!this.tool) {
      for (const name of ["tabindex", "role", "aria-label", "aria-describedby"]) this.overlay.removeAttribute(name);
      this.overlay.setAttribute("aria-hidden", "true");
      return;
    }
    const what = this.tool === "point" ? "Point at a spot" : "Highlight an element";
    this.overlay.removeAttribute("aria-hidden");
    this.overlay.setAttribute("tabindex", "0");
    this.overlay.setAttribute("role", "application");
    this.overlay.setAttribute("aria-label", `${what} on ${this.card.label}'s page`);
    this.overlay.setAttribute("aria-describedby", this.keysHelp.id);
    this.spot = { x: Math.round(this.pageSize.width / 2), y: Math.round(this.pageSize.height / 3) };
    if (!this.frame.hidden) this.overlay.focus();
  }

  keyed(event) {
    if (!this.tool) return;
    const step = event.shiftKey ? 50 : 10;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (event.key === "Escape") {
      const button = this.tool === "point" ? this.pointTool : this.highlightTool;
      this.pick(null);
      button.focus();
      this.say("Stopped pointing.", false);
    } else if (event.key === "Enter" || event.key === " ") {
      this.act(this.spot.x, this.spot.y);
    } else if (moves[event.key]) {
      const [dx, dy] = moves[event.key];
      this.spot = {
        x: Math.max(0, Math.min(this.pageSize.width - 1, this.spot.x + dx)),
        y: Math.max(0, Math.min(this.pageSize.height - 1, this.spot.y + dy)),
      };
      this.showCursor();
    } else {
      return;
    }
    event.preventDefault();
  }

  showCursor() {
    this.cursor.hidden = false;
    this.cursor.style.left = `${this.spot.x * this.scale}px`;
    this.cursor.style.top = `${this.spot.y * this.scale}px`;
    const frame = this.iframe();
    const doc = frame && frame.contentDocument;
    const under = doc && doc.elementFromPoint(this.spot.x, this.spot.y);
    const text = under ? (under.textContent || "").replace(/\s+/g, " ").trim().slice(0, 60) : "";
    const across = Math.round((100 * this.spot.x) / this.pageSize.width);
    const down = Math.round((100 * this.spot.y) / this.pageSize.height);
    const over = under && text && !/^\**$/.test(text) ? `, over ${under.nodeName.toLowerCase() === "a" ? "link" : under.nodeName.toLowerCase()} “${text}”` : "";
    this.say(`Pointer ${across}% across, ${down}% down${over}.`, false);
  }

  iframe() {
    return this.replayer && this.replayer.iframe;
  }

  clicked(event) {
    const frame = this.iframe();
    if (!frame || !this.tool) return;
    const box = this.overlay.getBoundingClientRect();
    this.act((event.clientX - box.left) / this.scale, (event.clientY - box.top) / this.scale);
  }

  act(x, y) {
    const frame = this.iframe();
    if (!frame || !this.tool) return;
    const doc = frame.contentDocument;
    const win = frame.contentWindow;
    const label = this.label.value.trim();
    if (this.tool === "point") {
      const scrollX = win ? win.scrollX : 0;
      const scrollY = win ? win.scrollY : 0;
      this.send({ type: "cobrowse_guide", kind: "point", x: Math.round(x + scrollX), y: Math.round(y + scrollY), label });
      this.say("Pointer shown on the resident's page.");
      return;
    }
    const target = doc && doc.elementFromPoint(x, y);
    this.highlightNode(target, label);
  }

  highlightNode(target, label) {
    const id = target ? this.replayer.getMirror().getId(target) : -1;
    if (id < 0) {
      this.say("Nothing to highlight there. Try another spot.");
      return;
    }
    this.send({ type: "cobrowse_guide", kind: "highlight", node: id, label });
    this.say(`Highlighted on the resident's page: ${label || (target.textContent || target.nodeName).trim().slice(0, 60)}.`);
  }

  fillLinks() {
    const frame = this.iframe();
    const doc = frame && frame.contentDocument;
    this.links.replaceChildren();
    if (!doc) return;
    const found = [...doc.querySelectorAll("a[href], button, h1, h2, h3, label")].slice(0, 200);
    found.forEach((node, index) => {
      const text = (node.textContent || "").replace(/\s+/g, " ").trim();
      if (text && !/^\**$/.test(text)) this.links.append(el("option", { value: String(index), text: `${node.nodeName.toLowerCase() === "a" ? "Link" : node.nodeName.toLowerCase()}: ${text.slice(0, 70)}` }));
    });
    this.found = found;
  }

  highlightChosen() {
    if (!this.found || !this.links.value) this.fillLinks();
    const node = this.found && this.found[Number(this.links.value)];
    if (node) this.highlightNode(node, this.label.value.trim());
  }
}
