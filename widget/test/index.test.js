// The built bundle as a page gets it: one script tag with data attributes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { bundle } from "../build.mjs";

const loaded = (dom) =>
  new Promise((resolve) => (dom.window.document.readyState === "complete" ? resolve() : dom.window.addEventListener("load", resolve)));

async function page() {
  const code = await bundle();
  const dom = new JSDOM("<!doctype html><html lang='en'><head></head><body><h1>Bins</h1></body></html>", {
    url: "http://localhost:8000/bins",
    runScripts: "dangerously",
    pretendToBeVisual: true,
  });
  await loaded(dom);
  const before = new Set(Object.keys(dom.window));
  const add = () => {
    const script = dom.window.document.createElement("script");
    script.dataset.frontdoorUrl = "http://localhost:8001";
    script.dataset.council = "Bramblefield District Council";
    script.dataset.language = "cy";
    script.textContent = code;
    dom.window.document.body.append(script);
  };
  return { dom, add, before };
}

test("one script tag makes one widget and one global, however often it runs", async () => {
  const { dom, add, before } = await page();
  add();
  add();
  const doc = dom.window.document;
  const links = doc.querySelectorAll("link#fd-styles");
  assert.equal(links.length, 1);
  assert.equal(links[0].href, "http://localhost:8001/widget/frontdoor-widget.css");
  assert.equal(doc.getElementById("fd-root"), null, "waits for its stylesheet");
  links[0].dispatchEvent(new dom.window.Event("load"));
  dom.window.Frontdoor.init();
  assert.equal(doc.querySelectorAll("#fd-root").length, 1);
  assert.equal(doc.querySelectorAll("#fd-launcher").length, 1);
  assert.equal(doc.getElementById("fd-root").getAttribute("lang"), "cy");
  const added = Object.keys(dom.window).filter((key) => !before.has(key));
  assert.deepEqual(added, ["Frontdoor"]);
  assert.equal(typeof dom.window.Frontdoor.open, "function");
  dom.window.Frontdoor.open();
  assert.equal(doc.getElementById("fd-panel").hidden, false);
  dom.window.close();
});

test("no service URL: the widget stays off and says why in the console", async () => {
  const code = await bundle();
  const dom = new JSDOM("<!doctype html><html><head></head><body></body></html>", { url: "http://localhost:8000/", runScripts: "dangerously" });
  await loaded(dom);
  const warnings = [];
  dom.window.console.warn = (text) => warnings.push(text);
  const script = dom.window.document.createElement("script");
  script.dataset.frontdoorUrl = "javascript:alert(1)";
  script.textContent = code;
  dom.window.document.body.append(script);
  assert.equal(dom.window.document.getElementById("fd-styles"), null);
  assert.match(warnings.join(" "), /data-frontdoor-url/);
  dom.window.close();
});

test("a Start now button opens the chat on its task: the resident's words shown, the payload sent", async () => {
  const { FakeSocket } = await import("./helpers.js");
  const { dom, add } = await page();
  const doc = dom.window.document;
  doc.body.insertAdjacentHTML(
    "afterbegin",
    '<a id="start" href="/articles/contact-us" data-frontdoor-start="/ask_bin_day" data-frontdoor-start-text="Find my bin collection day">Start now</a>' +
      '<a id="bad" href="/articles/contact-us" data-frontdoor-start=\'/ask_bin_day{"postcode":"x"}\'>Start now</a>',
  );
  const started = [];
  dom.window.fetch = async (url, options) => {
    started.push(JSON.parse(options.body));
    return { ok: true, json: async () => ({ conversation_id: "c-1", conversation_token: "t-1" }) };
  };
  FakeSocket.reset();
  dom.window.WebSocket = FakeSocket;
  add();
  const click = (id) => {
    const event = new dom.window.MouseEvent("click", { bubbles: true, cancelable: true });
    doc.getElementById(id).dispatchEvent(event);
    return event.defaultPrevented;
  };
  // clicked while the stylesheet loads: the task waits for the widget, the link is not followed
  assert.equal(click("start"), true);
  doc.getElementById("fd-styles").dispatchEvent(new dom.window.Event("load"));
  assert.equal(doc.getElementById("fd-panel").hidden, false);
  assert.equal(doc.activeElement, doc.getElementById("fd-input"));
  const bubbles = [...doc.querySelectorAll("#fd-root .fd-message")].map((node) => node.textContent);
  assert.ok(bubbles.some((text) => text.includes("Find my bin collection day")), bubbles.join("|"));
  assert.ok(!doc.getElementById("fd-root").textContent.includes("/ask_bin_day"));
  await new Promise((resolve) => dom.window.setTimeout(resolve, 0));
  assert.equal(started.length, 1);
  FakeSocket.last.open();
  FakeSocket.last.receive({ type: "welcome", conversation_id: "c-1", state: "bot", last_seq: 0, heartbeat_seconds: 25 });
  const [message] = FakeSocket.last.frames("message");
  assert.equal(message.text, "Find my bin collection day");
  assert.equal(message.payload, "/ask_bin_day");
  // a payload that is not a plain intent is not sent: the link is followed instead
  assert.equal(click("bad"), false);
  assert.equal(FakeSocket.last.frames("message").length, 1);
  dom.window.close();
});
