import { test } from "node:test";
import assert from "node:assert/strict";
import { renderItem, announcement } from "../src/ui/messages.js";
import { createConversation } from "../src/conversation.js";
import { translator } from "../src/i18n.js";
import { makeDom } from "./helpers.js";

const BASE = "http://localhost:8000/bins";

function answerItem(overrides = {}) {
  return {
    key: "s5",
    kind: "message",
    author: "bot",
    text: "If you are the only adult living in your home, you can get 25% off your council tax bill.",
    links: [{ title: "Single person discount", url: "/articles/single-person-discount#how-to-apply", section: "How to apply" }],
    prompt: "Did that help?",
    buttons: [],
    ...overrides,
  };
}

test("an answer renders as text, then a card (title link, section), then the question", () => {
  const { document } = makeDom();
  const li = renderItem(document, answerItem(), translator("en"), { base: BASE });
  const parts = [...li.children].map((node) => node.className);
  assert.deepEqual(parts, ["fd-author", "fd-text", "fd-links", "fd-prompt"]);
  const card = li.querySelector(".fd-card");
  const link = card.querySelector("a");
  assert.equal(link.textContent, "Single person discount");
  assert.equal(link.href, "http://localhost:8000/articles/single-person-discount#how-to-apply");
  assert.equal(card.querySelector(".fd-card-section").textContent, "How to apply");
  assert.equal(card.querySelector(".fd-card-kicker").textContent, "From our help pages");
  assert.equal(li.querySelector(".fd-prompt").textContent, "Did that help?");
});

test("the card is in Welsh when the widget is, and markup in a title stays text", () => {
  const { document } = makeDom();
  const item = answerItem({ links: [{ title: "<img src=x onerror=alert(1)>", url: "javascript:alert(1)", section: "Sut i wneud cais", language: "cy" }] });
  const li = renderItem(document, item, translator("en"), { base: BASE });
  assert.equal(li.querySelector("img"), null);
  assert.equal(li.querySelector(".fd-card a"), null, "an unsafe URL is not a link");
  assert.equal(li.querySelector(".fd-card-kicker").textContent, "O'n tudalennau help");
  assert.equal(li.querySelector(".fd-text").getAttribute("lang"), "cy");
  assert.equal(li.querySelector(".fd-author").getAttribute("lang"), null);
});

test("a screen reader hears the answer, the source and the question", () => {
  const said = announcement(answerItem(), translator("en"));
  assert.match(said, /25% off.*Single person discount: How to apply.*Did that help\?/);
});

test("the conversation keeps a card's section and the prompt; a notice without text adds no line", () => {
  const conversation = createConversation();
  const changes = [
    {
      type: "event",
      seq: 1,
      kind: "message",
      data: { author: "bot", text: "Answer.", prompt: "Did that help?", links: [{ title: "T", url: "/a", section: "S" }] },
    },
    { type: "event", seq: 2, kind: "notice", data: { code: "out_of_hours", text: "", can_leave_message: true } },
  ].flatMap((frame) => conversation.receive(frame));
  const items = conversation.model.items;
  assert.equal(items.length, 1);
  assert.equal(items[0].links[0].section, "S");
  assert.equal(items[0].prompt, "Did that help?");
  assert.equal(conversation.model.notice.canLeaveMessage, true);
  assert.ok(changes.length > 0);
});
