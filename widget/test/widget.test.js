// The whole widget in jsdom with a fake socket and fake fetch: the
// resident's journey and the accessibility behaviour that does not need a
// real browser (focus, Escape, live region, labels).
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createWidget } from "../src/widget.js";
import { createStorage } from "../src/storage.js";
import { readConfig } from "../src/config.js";
import { privacyHref } from "../src/ui/panel.js";
import { FakeSocket, makeDom, manualTimers, message, event, flush } from "./helpers.js";

beforeEach(() => FakeSocket.reset());

function memoryArea() {
  const map = new Map();
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, v), removeItem: (k) => map.delete(k) };
}

function mount({ win = makeDom(), session = memoryArea(), prefs = memoryArea(), language = "en", fetchImpl } = {}) {
  const timers = manualTimers();
  const calls = [];
  const fetchFake =
    fetchImpl ||
    (async (url, init) => {
      calls.push({ url, init });
      return { ok: true, status: 201, json: async () => ({ conversation_id: "c1", conversation_token: "tok", state: "bot", cursor: 0 }) };
    });
  const config = readConfig({ src: "", dataset: { frontdoorUrl: "http://localhost:8001", council: "Bramblefield District Council", language } }, win.location.href);
  const widget = createWidget({
    win,
    doc: win.document,
    config,
    session: createStorage(() => session),
    prefs: createStorage(() => prefs),
    WebSocketImpl: FakeSocket,
    fetchImpl: fetchFake,
    timers,
  });
  const $ = (selector) => win.document.querySelector(selector);
  return { win, widget, timers, calls, session, prefs, $ };
}

async function connected(ctx) {
  await flush();
  const socket = FakeSocket.last;
  socket.open();
  socket.receive({ type: "welcome", conversation_id: "c1", state: "bot", last_seq: 0, heartbeat_seconds: 25 });
  return socket;
}

test("launcher opens a labelled dialog, focuses the message box, Escape closes and returns focus", () => {
  const { $, win } = mount();
  const launcher = $("#fd-launcher");
  assert.equal(launcher.getAttribute("aria-expanded"), "false");
  launcher.click();
  assert.equal($("#fd-panel").hidden, false);
  assert.equal(launcher.getAttribute("aria-expanded"), "true");
  assert.equal($("#fd-panel").getAttribute("role"), "dialog");
  assert.equal($("#fd-title").textContent, "Bramblefield District Council");
  assert.equal(win.document.activeElement, $("#fd-input"));
  assert.equal($("label[for=fd-input]").textContent, "Your message");
  $("#fd-input").dispatchEvent(new win.KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
  assert.equal($("#fd-panel").hidden, true);
  assert.equal(win.document.activeElement, launcher);
});

test("no conversation is created until the resident writes", async () => {
  const { $, calls } = mount();
  $("#fd-launcher").click();
  await flush();
  assert.equal(calls.length, 0);
  assert.equal(FakeSocket.instances.length, 0);
});

test("a message is shown at once, sent once connected, and confirmed", async () => {
  const ctx = mount();
  const { $, calls } = ctx;
  $("#fd-launcher").click();
  $("#fd-input").value = "When is my bin day?";
  $("#fd-composer").requestSubmit();
  assert.match($("#fd-messages").textContent, /When is my bin day\?/);
  assert.match($("#fd-messages").textContent, /Sending…/);
  await flush();
  assert.equal(calls.length, 1);
  assert.deepEqual(JSON.parse(calls[0].init.body), { language: "en", page_url: "http://localhost:8000/bins" });
  const socket = await connected(ctx);
  assert.match(socket.url, /^ws:\/\/localhost:8001\/ws\/resident\?conversation_id=c1&token=tok&cursor=0$/);
  const [sent] = socket.frames("message");
  assert.equal(sent.text, "When is my bin day?");
  socket.receive({ type: "ack", client_id: sent.client_id, seq: 2, duplicate: false });
  socket.receive(message(2, "resident", "When is my bin day?", { client_id: sent.client_id }));
  assert.doesNotMatch($("#fd-messages").textContent, /Sending…/);
  assert.equal($("#fd-messages").children.length, 1);
});

test("bot replies are announced, quick replies and article links work", async () => {
  const ctx = mount();
  const { $, win } = ctx;
  $("#fd-launcher").click();
  $("#fd-input").value = "bins";
  $("#fd-composer").requestSubmit();
  const socket = await connected(ctx);
  socket.receive(message(2, "resident", "bins", { client_id: socket.frames("message")[0].client_id }));
  socket.receive(
    message(3, "bot", "Which bin?", {
      buttons: [{ title: "Green bin", payload: "/bin{\"type\":\"green\"}" }],
      links: [{ title: "Bin collections", url: "/articles/bins" }, { title: "Bad", url: "javascript:alert(1)" }],
    }),
  );
  assert.match($("#fd-announcer").textContent, /Assistant: Which bin\?/);
  const link = $("#fd-messages a");
  assert.equal(link.getAttribute("href"), "http://localhost:8000/articles/bins");
  assert.equal($("#fd-messages").querySelectorAll("a").length, 1, "the javascript: link is text");
  const quick = $("#fd-quick button");
  assert.equal(quick.textContent, "Green bin");
  quick.click();
  const sent = socket.frames("message").at(-1);
  assert.equal(sent.text, "Green bin");
  assert.equal(sent.payload, "/bin{\"type\":\"green\"}");
  assert.equal($("#fd-quick").hidden, true);
  assert.equal(win.document.activeElement, $("#fd-input"));
});

test("asking for a person: queue, advisor joins, leave the queue, end and rate", async () => {
  const ctx = mount();
  const { $, win } = ctx;
  $("#fd-launcher").click();
  $("#fd-human").focus();
  $("#fd-human").click();
  const socket = await connected(ctx);
  assert.equal(socket.frames("request_human").length, 1);
  socket.receive(event(1, "state", { state: "waiting", previous: "bot" }));
  socket.receive({ type: "queue", position: 2, estimated_wait_seconds: 240 });
  assert.equal($("#fd-queue").hidden, false);
  assert.match($("#fd-queue").textContent, /You are number 2 in the queue\..*about 4 minutes/);
  assert.equal($("#fd-human").hidden, true);
  assert.notEqual(win.document.activeElement, win.document.body, "focus was moved, not dropped");
  socket.receive(event(2, "state", { state: "with_advisor", previous: "waiting" }));
  socket.receive(event(3, "advisor_joined", { first_name: "Sam" }));
  assert.match($("#fd-messages").textContent, /You are now talking to Sam from the council\./);
  assert.equal($("#fd-subtitle").textContent, "Talking to Sam");
  socket.receive({ type: "typing", author: "advisor", on: true });
  assert.equal($("#fd-typing").textContent, "Sam is typing…");
  $("#fd-end").click();
  assert.equal(socket.frames("close").length, 1);
  socket.receive(event(4, "state", { state: "closed", previous: "with_advisor" }));
  socket.receive(event(5, "rating_request", { text: "How did we do?" }));
  assert.equal($("#fd-composer").hidden, true);
  const form = $(".fd-rating");
  assert.ok(form);
  form.requestSubmit();
  assert.match(form.textContent, /Choose a rating/);
  $(".fd-rating input[value='4']").click();
  form.querySelector("textarea").value = "Quick and kind";
  form.requestSubmit();
  assert.deepEqual(socket.frames("rate")[0], { type: "rate", stars: 4, comment: "Quick and kind" });
  assert.equal($(".fd-rating"), null);
  assert.equal($("#fd-new-chat").hidden, false);
});

test("out of hours: leave a message with validation", async () => {
  const ctx = mount();
  const { $, win } = ctx;
  $("#fd-launcher").click();
  $("#fd-human").click();
  const socket = await connected(ctx);
  socket.receive(event(1, "notice", { code: "out_of_hours", text: "We are closed now.", opening_hours: "Mon–Fri 09:00–17:00", can_leave_message: true }));
  assert.match($("#fd-messages").textContent, /Opening hours: Mon–Fri 09:00–17:00/);
  $("#fd-leave-message").click();
  const form = $(".fd-leave");
  assert.equal(win.document.activeElement, form.querySelector("h3"));
  form.querySelector("textarea").value = "My bin was missed";
  form.requestSubmit();
  const contact = form.querySelector("input");
  assert.equal(win.document.activeElement, contact);
  assert.equal(contact.getAttribute("aria-invalid"), "true");
  assert.match(win.document.getElementById(contact.getAttribute("aria-describedby").split(" ")[1]).textContent, /Enter an email/);
  contact.value = "resident@example.org";
  form.requestSubmit();
  const [frame] = socket.frames("leave_message");
  assert.equal(frame.text, "My bin was missed");
  assert.equal(frame.contact, "resident@example.org");
  socket.receive(event(2, "case_created", { reference: "BDC-W-0042" }));
  assert.match($("#fd-messages").textContent, /Your reference is BDC-W-0042/);
});

test("a reload resumes the same conversation and does not re-announce history", async () => {
  const session = memoryArea();
  const first = mount({ session });
  first.$("#fd-launcher").click();
  first.$("#fd-input").value = "hello";
  first.$("#fd-composer").requestSubmit();
  const socket = await connected(first);
  const sent = socket.frames("message")[0];
  socket.receive(message(1, "resident", "hello", { client_id: sent.client_id }));
  socket.receive(message(2, "bot", "Hi there"));

  FakeSocket.reset();
  const win = makeDom("http://localhost:8000/council-tax");
  const second = mount({ win, session });
  assert.equal(second.calls.length, 0, "no new conversation");
  assert.equal(second.$("#fd-panel").hidden, false, "still open after the reload");
  const again = FakeSocket.last;
  assert.match(again.url, /conversation_id=c1&token=tok&cursor=0/);
  again.open();
  again.receive({ type: "welcome", state: "bot", last_seq: 2, heartbeat_seconds: 25 });
  again.receive(message(1, "resident", "hello", { client_id: sent.client_id }));
  again.receive(message(2, "bot", "Hi there"));
  assert.equal(second.$("#fd-messages").children.length, 2);
  assert.equal(second.$("#fd-announcer").textContent, "", "history is not read out again");
  again.receive(message(3, "bot", "Anything else?"));
  assert.match(second.$("#fd-announcer").textContent, /Anything else\?/);
});

test("connection loss is shown and announced; coming back is too", async () => {
  const ctx = mount();
  ctx.$("#fd-launcher").click();
  ctx.$("#fd-human").click();
  const socket = await connected(ctx);
  socket.serverClose(1006);
  assert.equal(ctx.$("#fd-connection").hidden, false);
  assert.match(ctx.$("#fd-connection").textContent, /Connection lost/);
  ctx.timers.advance(1000);
  FakeSocket.last.open();
  assert.match(ctx.$("#fd-announcer").textContent, /Connected again/);
  assert.equal(ctx.$("#fd-connection").hidden, true);
});

test("refused messages (throttled, busy, database unavailable) are each sent again once per wait", async () => {
  const ctx = mount();
  const { $ } = ctx;
  $("#fd-launcher").click();
  $("#fd-human").click();
  const socket = await connected(ctx);
  for (const text of ["one", "two", "three"]) {
    $("#fd-input").value = text;
    $("#fd-composer").requestSubmit();
  }
  const sent = socket.frames("message");
  assert.equal(sent.length, 3);
  for (const frame of sent) socket.receive({ type: "throttled", retry_after: 2, client_id: frame.client_id, reason: "unavailable" });
  assert.match($("#fd-connection").textContent, /in a moment/);
  ctx.timers.advance(2000);
  const again = socket.frames("message").slice(3);
  assert.deepEqual(again.map((frame) => frame.text), ["one", "two", "three"]);
  assert.doesNotMatch($("#fd-messages").textContent, /went wrong/);
});

test("Welsh: chosen by the page or by the toggle", () => {
  const cy = mount({ language: "cy" });
  assert.equal(cy.$("#fd-root").getAttribute("lang"), "cy");
  assert.equal(cy.$("#fd-launcher").textContent.trim(), "Sgwrsio â ni");
  cy.$("#fd-language").click();
  assert.equal(cy.$("#fd-root").getAttribute("lang"), "en");
  assert.equal(cy.$("#fd-launcher .fd-launcher-label").textContent, "Chat with us");
  assert.equal(cy.$("#fd-language").getAttribute("lang"), "cy");
});

// A resident on an English page writes Welsh; the bot answers in Welsh and says so.
async function welshChat(ctx) {
  const { $ } = ctx;
  $("#fd-launcher").click();
  $("#fd-input").value = "Rwyf eisiau siarad â pherson am fy nhreth gyngor";
  $("#fd-composer").requestSubmit();
  const socket = await connected(ctx);
  socket.receive(message(1, "resident", "Rwyf eisiau siarad â pherson am fy nhreth gyngor", { client_id: socket.frames("message")[0].client_id }));
  return socket;
}

function interfaceWords($) {
  return {
    lang: $("#fd-root").getAttribute("lang"),
    label: $("label[for=fd-input]").textContent,
    send: $("#fd-send").textContent,
    human: $("#fd-human").textContent,
    other: $("#fd-language").textContent,
  };
}

const ENGLISH = { lang: "en", label: "Your message", send: "Send", human: "Talk to a person", other: "Cymraeg" };

test("the bot answering in Welsh turns the widget's own words Welsh, without moving focus", async () => {
  const ctx = mount();
  const { $, win } = ctx;
  const socket = await welshChat(ctx);
  assert.deepEqual(interfaceWords($), ENGLISH);
  assert.equal(win.document.activeElement, $("#fd-input"));
  socket.receive(message(2, "bot", "Gallaf eich rhoi drwodd i rywun.", { buttons: [{ title: "Ie", payload: "/affirm" }], language: "cy" }));
  const welsh = interfaceWords($);
  assert.equal(welsh.lang, "cy");
  assert.equal(welsh.label, "Eich neges");
  assert.equal(welsh.send, "Anfon");
  assert.equal(welsh.other, "English");
  assert.equal(win.document.activeElement, $("#fd-input"), "focus stays where the resident is typing");
  assert.match($("#fd-announcer").textContent, /Cynorthwyydd: Gallaf eich rhoi drwodd/, "read out in the new language");
  assert.equal(ctx.prefs.getItem("fd-language"), null, "not the resident's choice for the page");
  // queued: the queue's words are Welsh too
  socket.receive(event(3, "state", { state: "waiting", previous: "bot", reason: "bot_handoff" }));
  socket.receive({ type: "queue", position: 3, estimated_wait_seconds: 240 });
  assert.equal($("#fd-subtitle").textContent, "Yn aros am gynghorydd");
  assert.equal($(".fd-queue-position").textContent, "Rydych chi'n rhif 3 yn y ciw.");
  assert.equal($("#fd-leave-queue").textContent, "Gadael y ciw");
  assert.match($("#fd-messages").textContent, /Rydych chi yn y ciw i siarad â chynghorydd\./);
  // what the resident sends next says the language the widget is in
  $("#fd-input").value = "diolch";
  $("#fd-composer").requestSubmit();
  assert.equal(socket.frames("message").at(-1).metadata.language, "cy");
});

test("the bot answering in English again turns the words back; a message that does not say changes nothing", async () => {
  const ctx = mount();
  const { $ } = ctx;
  const socket = await welshChat(ctx);
  socket.receive(message(2, "bot", "Helo.", { language: "cy" }));
  socket.receive(message(3, "bot", "Dim iaith.")); // says no language: stays Welsh
  assert.equal(interfaceWords($).send, "Anfon");
  socket.receive(message(4, "resident", "Actually, can we speak English?"));
  socket.receive(message(5, "bot", "Of course.", { language: "en" }));
  assert.deepEqual(interfaceWords($), ENGLISH);
  socket.receive(message(6, "bot", "Anything else?"));
  socket.receive(message(7, "bot", "Not a language it speaks.", { language: "fr" }));
  assert.deepEqual(interfaceWords($), ENGLISH);
  $("#fd-input").value = "no thanks";
  $("#fd-composer").requestSubmit();
  assert.equal(socket.frames("message").at(-1).metadata.language, "en");
});

test("a message that says no language leaves a fresh English widget English", async () => {
  const ctx = mount();
  const socket = await welshChat(ctx);
  socket.receive(message(2, "bot", "Hello."));
  assert.deepEqual(interfaceWords(ctx.$), ENGLISH);
});

test("the chat's language lasts a reload of the tab; the resident's toggle still wins", async () => {
  const session = memoryArea();
  const first = mount({ session });
  const socket = await welshChat(first);
  socket.receive(message(2, "bot", "Helo.", { language: "cy" }));

  FakeSocket.reset();
  const second = mount({ win: makeDom("http://localhost:8000/council-tax"), session });
  assert.equal(interfaceWords(second.$).send, "Anfon", "still Welsh after the reload");
  const again = FakeSocket.last;
  again.open();
  again.receive({ type: "welcome", state: "bot", last_seq: 2, heartbeat_seconds: 25 });
  again.receive(message(2, "bot", "Helo.", { language: "cy" }));
  second.$("#fd-language").click(); // the resident wants English
  assert.deepEqual(interfaceWords(second.$), ENGLISH);
  assert.equal(second.win.document.activeElement, second.$("#fd-language"));

  FakeSocket.reset();
  const third = mount({ win: makeDom("http://localhost:8000/bins"), session });
  assert.deepEqual(interfaceWords(third.$), ENGLISH, "their choice, not the bot's, after the next reload");
  const replay = FakeSocket.last;
  replay.open();
  replay.receive({ type: "welcome", state: "bot", last_seq: 2, heartbeat_seconds: 25 });
  replay.receive(message(2, "bot", "Helo.", { language: "cy" }));
  assert.deepEqual(interfaceWords(third.$), ENGLISH, "history read again does not switch back");
  replay.receive(message(3, "resident", "Diolch yn fawr iawn am eich help"));
  replay.receive(message(4, "bot", "Croeso.", { language: "cy" }));
  assert.equal(interfaceWords(third.$).send, "Anfon", "a new Welsh answer does");
});

test("a language pressed for after the bot switched is sent as chosen, until the bot switches again", async () => {
  const ctx = mount();
  const { $ } = ctx;
  const socket = await welshChat(ctx);
  const sent = () => socket.frames("message").at(-1).metadata;
  assert.deepEqual(sent(), { language: "en" }, "an English page's language, not chosen");
  socket.receive(message(2, "bot", "Helo.", { language: "cy" }));
  $("#fd-input").value = "ie";
  $("#fd-composer").requestSubmit();
  assert.deepEqual(sent(), { language: "cy" }, "following the bot is not a choice");
  $("#fd-language").click(); // the resident wants English
  for (const text of ["ok", "thanks"]) {
    $("#fd-input").value = text;
    $("#fd-composer").requestSubmit();
    assert.deepEqual(sent(), { language: "en", language_chosen: true }, "the bot answers in it");
  }
  socket.receive(message(9, "bot", "Croeso.", { language: "cy" })); // they wrote Welsh again
  $("#fd-input").value = "diolch";
  $("#fd-composer").requestSubmit();
  assert.deepEqual(sent(), { language: "cy" });
});

test("markup in messages is rendered as text", async () => {
  const ctx = mount();
  ctx.$("#fd-launcher").click();
  ctx.$("#fd-human").click();
  const socket = await connected(ctx);
  socket.receive(message(1, "advisor", "<script>alert(1)</script><img src=x onerror=alert(2)>", { author_name: "<b>Sam</b>" }));
  const item = ctx.$("#fd-messages li");
  assert.equal(item.querySelectorAll("script, img, b").length, 0);
  assert.equal(item.querySelector(".fd-text").textContent, "<script>alert(1)</script><img src=x onerror=alert(2)>");
  assert.equal(item.querySelector(".fd-author").textContent, "<b>Sam</b>");
});

test("while the window is closed, new replies show on the launcher and are still announced", async () => {
  const ctx = mount();
  const { $ } = ctx;
  $("#fd-launcher").click();
  $("#fd-human").click();
  const socket = await connected(ctx);
  $("#fd-close").click();
  socket.receive(message(1, "advisor", "Are you still there?", { author_name: "Sam" }));
  assert.equal($("#fd-launcher .fd-badge").hidden, false);
  assert.equal($("#fd-launcher .fd-badge").textContent, "1 new");
  assert.match($("#fd-launcher").textContent, /1 new message$/);
  assert.match($("#fd-announcer").textContent, /Sam: Are you still there\?/);
  $("#fd-launcher").click();
  assert.equal($("#fd-launcher .fd-badge").hidden, true);
  ctx.timers.advance(1000);
  assert.deepEqual(socket.frames("ack").at(-1), { type: "ack", seq: 1 });
});

test("a stored chat the service no longer knows is dropped quietly when the window is closed", async () => {
  const session = memoryArea();
  session.setItem("fd-conversation", JSON.stringify({ id: "old", token: "t", cursor: 5, seen: 5, outbox: [], open: false }));
  const ctx = mount({ session });
  const socket = FakeSocket.last;
  assert.match(socket.url, /conversation_id=old/);
  socket.open();
  socket.serverClose(4404);
  assert.equal(session.getItem("fd-conversation"), null);
  assert.equal(ctx.$("#fd-connection").hidden, true);
  assert.equal(ctx.$("#fd-announcer").textContent, "");
  ctx.$("#fd-launcher").click();
  assert.equal(ctx.$("#fd-composer").hidden, false, "ready for a new chat");
});

test("if the resident is looking, a lost chat says so and offers a new one", async () => {
  const session = memoryArea();
  session.setItem("fd-conversation", JSON.stringify({ id: "old", token: "t", cursor: 5, seen: 5, outbox: [], open: true }));
  const ctx = mount({ session });
  FakeSocket.last.open();
  FakeSocket.last.serverClose(4403);
  assert.match(ctx.$("#fd-connection").textContent, /no longer available/);
  assert.equal(ctx.$("#fd-new-chat").hidden, false);
  ctx.$("#fd-new-chat").click();
  assert.equal(ctx.$("#fd-connection").hidden, true);
  assert.equal(ctx.win.document.activeElement, ctx.$("#fd-input"));
});

test("on a phone the open panel locks the page, follows the visual viewport and keeps Tab inside", () => {
  const win = makeDom();
  const viewport = new win.EventTarget();
  Object.assign(viewport, { height: 700, offsetTop: 0, scale: 1 });
  Object.defineProperty(win, "visualViewport", { value: viewport, configurable: true });
  win.matchMedia = () => ({ matches: true });
  const { $ } = mount({ win });
  const root = win.document.documentElement;
  $("#fd-launcher").click();
  assert.ok(root.classList.contains("fd-locked"));
  const panel = $("#fd-panel");
  assert.equal(panel.style.getPropertyValue("--fd-vv-height"), "700px");
  // the on-screen keyboard comes up: the panel shrinks to what is visible
  Object.assign(viewport, { height: 380, offsetTop: 120 });
  viewport.dispatchEvent(new win.Event("resize"));
  assert.equal(panel.style.getPropertyValue("--fd-vv-height"), "380px");
  assert.equal(panel.style.getPropertyValue("--fd-vv-top"), "120px");
  // Tab from the last control (Send) wraps to the first one in the panel
  $("#fd-send").focus();
  $("#fd-send").dispatchEvent(new win.KeyboardEvent("keydown", { key: "Tab", bubbles: true, cancelable: true }));
  assert.equal(win.document.activeElement, $("#fd-language"));
  $("#fd-language").dispatchEvent(new win.KeyboardEvent("keydown", { key: "Tab", shiftKey: true, bubbles: true, cancelable: true }));
  assert.equal(win.document.activeElement, $("#fd-send"));
  $("#fd-close").click();
  assert.ok(!root.classList.contains("fd-locked"));
  assert.equal(panel.style.getPropertyValue("--fd-vv-height"), "");
});

test("a privacy notice with a link shows before the first message, in Welsh too", () => {
  const { $ } = mount();
  $("#fd-launcher").click();
  assert.match($("#fd-privacy").textContent, /We keep chats for 12 months/);
  assert.equal($("#fd-privacy-link").getAttribute("href"), "/articles/privacy-and-data-protection");
  assert.equal($("#fd-messages").children.length, 0);
  $("#fd-language").click(); // switching language switches the article too
  assert.equal($("#fd-privacy-link").getAttribute("href"), "/articles/preifatrwydd-a-diogelu-data");
  const welsh = mount({ language: "cy" });
  assert.match(welsh.$("#fd-privacy").textContent, /Rydym yn cadw sgyrsiau am 12 mis/);
  assert.equal(welsh.$("#fd-privacy-link").getAttribute("href"), "/articles/preifatrwydd-a-diogelu-data");
});

test("a council's own privacy pages, per language, replace the default link", () => {
  const page = "https://www.example.gov.uk/bins";
  const both = readConfig({ src: "", dataset: { privacyUrl: "/privacy", privacyUrlCy: "/cy/preifatrwydd" } }, page);
  assert.deepEqual(both.privacyUrl, { en: "https://www.example.gov.uk/privacy", cy: "https://www.example.gov.uk/cy/preifatrwydd" });
  assert.equal(privacyHref(both.privacyUrl, "cy"), "https://www.example.gov.uk/cy/preifatrwydd");
  const englishOnly = readConfig({ src: "", dataset: { privacyUrl: "/privacy" } }, page);
  assert.equal(privacyHref(englishOnly.privacyUrl, "cy"), "https://www.example.gov.uk/privacy");
  const unsafe = readConfig({ src: "", dataset: { privacyUrl: "javascript:alert(1)" } }, page);
  assert.equal(privacyHref(unsafe.privacyUrl, "en"), "/articles/privacy-and-data-protection");
  assert.equal(privacyHref(unsafe.privacyUrl, "cy"), "/articles/preifatrwydd-a-diogelu-data");
});

test("something that looks like a card number is held back with a warning once", async () => {
  const ctx = mount();
  const { $, calls } = ctx;
  $("#fd-launcher").click();
  $("#fd-input").value = "my card is 4111 1111 1111 1111";
  $("#fd-composer").requestSubmit();
  assert.equal($("#fd-card-warning").hidden, false);
  assert.equal($("#fd-card-warning").getAttribute("role"), "alert");
  assert.equal($("#fd-messages").children.length, 0);
  await flush();
  assert.equal(calls.length, 0);
  $("#fd-composer").requestSubmit(); // the resident insists: the server masks it
  assert.equal($("#fd-card-warning").hidden, true);
  assert.equal($("#fd-messages").children.length, 1);
});

test("the advisor stopping co-browsing is a line in the chat, in the chat's language", async () => {
  for (const [language, text] of [
    ["en", /Sam stopped viewing your page\. You are no longer sharing it\./],
    ["cy", /Mae Sam wedi rhoi'r gorau i weld eich tudalen\. Nid ydych chi'n ei rhannu mwyach\./],
  ]) {
    FakeSocket.reset();
    const ctx = mount({ language });
    const { $, win } = ctx;
    $("#fd-launcher").click();
    $("#fd-human").click();
    const socket = await connected(ctx);
    socket.receive(event(1, "state", { state: "with_advisor", previous: "bot" }));
    socket.receive(event(2, "advisor_joined", { first_name: "Sam" }));
    socket.receive({ type: "cobrowse", action: "request", advisor: "Sam", settings: {} });
    $("#fd-cobrowse-allow").click();
    win.FrontdoorCobrowse = { start: () => ({ stop() {}, snapshot() {}, guide() {} }) };
    win.document.querySelector("script[src$='frontdoor-cobrowse.js']").dispatchEvent(new win.Event("load"));
    await flush();
    assert.ok($("#fd-cobrowse-bar"));
    socket.receive({ type: "cobrowse", action: "stopped", reason: "advisor_stopped" });
    assert.equal($("#fd-cobrowse-bar"), null);
    const last = [...win.document.querySelectorAll("#fd-messages > li")].at(-1);
    assert.match(last.textContent, text);
    assert.equal(last.className, "fd-system");
    socket.receive(message(3, "advisor", "Anything else?", { author_name: "Sam" }));
    assert.match([...win.document.querySelectorAll("#fd-messages > li")].at(-1).textContent, /Anything else\?/);
  }
});
