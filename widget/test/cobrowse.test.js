// The co-browse part of the core widget: the prompt says what is shared, in
// English and Welsh; Decline sends one refusal and loads nothing; Allow loads
// the recorder script and shows the sharing bar; Stop stops the recorder
// before telling the service; a chat leaving the advisor ends it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeDom } from "./helpers.js";
import { createCobrowse } from "../src/cobrowse.js";
import { createStorage } from "../src/storage.js";
import { translator } from "../src/i18n.js";

function setUp(language = "en") {
  const win = makeDom();
  const doc = win.document;
  const refs = {
    root: doc.createElement("div"),
    forms: doc.createElement("div"),
    input: doc.createElement("textarea"),
    launcher: doc.createElement("button"),
    panel: doc.createElement("div"),
  };
  doc.body.append(refs.root, refs.forms, refs.input, refs.launcher, refs.panel);
  const sent = [];
  const said = [];
  const notices = [];
  const session = createStorage(() => null);
  session.setJSON("conversation", { id: "c1" });
  const cobrowse = createCobrowse({
    win,
    doc,
    refs,
    config: { serviceUrl: "http://chat.example" },
    session,
    send: (frame) => sent.push(frame) > 0,
    buffered: () => 0,
    announce: (text) => said.push(text),
    notice: (textKey, vars) => notices.push(translator(language)(textKey, vars)),
    openPanel: () => {},
    closePanel: () => {
      refs.panel.hidden = true;
    },
    translate: () => translator(language),
  });
  return { win, doc, refs, cobrowse, sent, said, notices, session };
}

const REQUEST = { type: "cobrowse", action: "request", advisor: "Sam", settings: {} };

test("the prompt says what is shared; Decline sends one refusal and loads nothing", () => {
  const { doc, cobrowse, sent, said } = setUp();
  cobrowse.receive(REQUEST, "c1");
  const prompt = doc.getElementById("fd-cobrowse-prompt");
  assert.match(prompt.textContent, /Sam would like to see this page with you/);
  assert.match(prompt.textContent, /this tab of the council website/);
  assert.match(prompt.textContent, /Anything you type into forms/);
  doc.getElementById("fd-cobrowse-decline").click();
  assert.deepEqual(sent, [{ type: "cobrowse_consent", allow: false }]);
  assert.equal(doc.getElementById("fd-cobrowse-prompt"), null);
  assert.equal(doc.querySelector("script"), null);
  assert.match(said.at(-1), /Nothing was shared/);
});

test("the prompt and bar speak Welsh", () => {
  const { doc, cobrowse } = setUp("cy");
  cobrowse.receive(REQUEST, "c1");
  assert.match(doc.getElementById("fd-cobrowse-prompt").textContent, /Hoffai Sam weld y dudalen hon/);
  doc.getElementById("fd-cobrowse-allow").click();
  assert.match(doc.getElementById("fd-cobrowse-bar").textContent, /Yn rhannu'r dudalen hon gyda Sam/);
});

test("Allow loads the recorder and shows the bar; Stop stops it before telling the service", async () => {
  const { win, doc, refs, cobrowse, sent, session } = setUp();
  cobrowse.receive(REQUEST, "c1");
  doc.getElementById("fd-cobrowse-allow").click();
  assert.deepEqual(sent, [{ type: "cobrowse_consent", allow: true }]);
  const script = doc.querySelector("script");
  assert.equal(script.src, "http://chat.example/widget/frontdoor-cobrowse.js");
  const calls = [];
  win.FrontdoorCobrowse = {
    start: () => ({ stop: () => calls.push("stopped"), snapshot() {}, guide() {} }),
  };
  script.dispatchEvent(new win.Event("load"));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.ok(cobrowse.sharing);
  assert.deepEqual(session.getJSON("cobrowse"), { conversation: "c1", advisor: "Sam" });
  // the bar is the page's first element (it pushes the page down), its height known to the panel
  assert.equal(doc.body.firstElementChild.id, "fd-cobrowse-bar");
  assert.match(refs.root.style.getPropertyValue("--fd-cobrowse-bar"), /^\d+px$/);
  doc.getElementById("fd-cobrowse-stop").click();
  assert.deepEqual(calls, ["stopped"]);
  assert.deepEqual(sent.at(-1), { type: "cobrowse_stop" });
  assert.equal(doc.getElementById("fd-cobrowse-bar"), null);
  assert.equal(refs.root.style.getPropertyValue("--fd-cobrowse-bar"), "");
  assert.equal(session.getJSON("cobrowse"), null);
});

test("a page load carries on only in the tab that agreed; leaving the advisor ends it", () => {
  const { doc, cobrowse, sent, session } = setUp();
  cobrowse.receive({ type: "cobrowse", action: "resume", advisor: "Sam", settings: {} }, "c1");
  assert.deepEqual(sent, [{ type: "cobrowse_stop" }]); // this tab never agreed
  session.setJSON("cobrowse", { conversation: "c1", advisor: "Sam" });
  cobrowse.receive({ type: "cobrowse", action: "resume", advisor: "Sam", settings: {} }, "c1");
  assert.ok(doc.getElementById("fd-cobrowse-bar"));
  cobrowse.stateChanged("bot");
  assert.equal(doc.getElementById("fd-cobrowse-bar"), null);
});

test("a ring the chat panel covers puts the panel away (on a phone it fills the screen)", async () => {
  const { win, doc, refs, cobrowse, said } = setUp();
  cobrowse.receive(REQUEST, "c1");
  doc.getElementById("fd-cobrowse-allow").click();
  const box = (left, top, width, height) => () => ({ left, top, right: left + width, bottom: top + height });
  let ring = null;
  win.FrontdoorCobrowse = {
    start: () => ({
      stop() {},
      snapshot() {},
      guide(frame, announce) {
        ring = doc.createElement("div");
        ring.getBoundingClientRect = frame.node === 1 ? box(500, 100, 80, 20) : box(20, 300, 80, 20);
        announce("Click here");
        return ring;
      },
    }),
  };
  doc.querySelector("script").dispatchEvent(new win.Event("load"));
  await new Promise((resolve) => setTimeout(resolve, 0));
  refs.panel.getBoundingClientRect = box(0, 0, 390, 844);
  cobrowse.receive({ type: "cobrowse", action: "guide", kind: "highlight", node: 1 }, "c1");
  assert.equal(refs.panel.hidden, false, "a ring beside the panel leaves it open");
  cobrowse.receive({ type: "cobrowse", action: "guide", kind: "highlight", node: 2 }, "c1");
  assert.equal(refs.panel.hidden, true, "a ring under the panel puts it away");
  assert.match(said.at(-1), /Sam is pointing at: Click here/);
  assert.ok(ring);
});

async function sharing(language) {
  const shared = setUp(language);
  shared.cobrowse.receive(REQUEST, "c1");
  shared.doc.getElementById("fd-cobrowse-allow").click();
  shared.win.FrontdoorCobrowse = { start: () => ({ stop() {}, snapshot() {}, guide() {} }) };
  shared.doc.querySelector("script").dispatchEvent(new shared.win.Event("load"));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.ok(shared.cobrowse.sharing);
  return shared;
}

test("the advisor stopping is said in the chat, not only to screen readers, in English and Welsh", async () => {
  for (const [language, text] of [
    ["en", "Sam stopped viewing your page. You are no longer sharing it."],
    ["cy", "Mae Sam wedi rhoi'r gorau i weld eich tudalen. Nid ydych chi'n ei rhannu mwyach."],
  ]) {
    const { doc, cobrowse, said, notices } = await sharing(language);
    cobrowse.receive({ type: "cobrowse", action: "stopped", reason: "advisor_stopped" }, "c1");
    assert.equal(doc.getElementById("fd-cobrowse-bar"), null);
    assert.deepEqual(notices, [text]);
    assert.equal(said.at(-1), text);
  }
});

test("the resident's own Stop is not repeated in the chat when the service confirms it", async () => {
  const { doc, cobrowse, notices } = await sharing("en");
  doc.getElementById("fd-cobrowse-stop").click();
  cobrowse.receive({ type: "cobrowse", action: "stopped", reason: "resident_stopped" }, "c1");
  assert.deepEqual(notices, []);
});
