// Where the launcher rests (launcher.js): the order of places it tries, the
// probe that says whether the page's text is under a place, and the compact
// state while the page scrolls. The real layout is checked in a browser by
// tests/e2e/knowledge/test_launcher_and_skip_link.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { candidates, freeSpot, makeProbe, createLauncherPlacement } from "../src/launcher.js";
import { makeDom, manualTimers } from "./helpers.js";

const rect = (left, top, width, height) => ({ left, top, width, height, right: left + width, bottom: top + height });
// a phone: the full launcher and the compact one in the bottom-right corner, 8 px from the edges
const PHONE = { vw: 390, vh: 844, home: rect(300, 792, 82, 44), compact: rect(342, 796, 40, 40) };
const spots = (options) => [...candidates(options)].map((c) => [c.left, c.top, c.compact, c.moved]);

test("it tries its corner at full size, then compact, then up its own edge, then the other edge", () => {
  const all = spots(PHONE);
  assert.deepEqual(all.slice(0, 4), [
    [300, 792, false, false],
    [342, 796, true, false],
    [342, 784, true, true],
    [342, 772, true, true],
  ]);
  const right = all.filter(([left]) => left === 342);
  const left = all.filter(([x]) => x === 8);
  assert.equal(right.length, left.length, "the corner is tried once");
  assert.ok(all.indexOf(right.at(-1)) < all.indexOf(left[0]), "its own edge before the other");
  assert.deepEqual(left[0], [8, 796, true, true]);
  assert.ok(all.every(([, top]) => top >= 8 && top + 40 <= 844 - 8 + 4), "never off the screen");
});

test("on a right-to-left page (its corner on the left) the left edge comes first", () => {
  const all = spots({ ...PHONE, home: rect(8, 792, 82, 44), compact: rect(8, 796, 40, 40) });
  assert.deepEqual(all[2], [8, 784, true, true]);
  const compactAt = (x) => all.filter(([left, , compact]) => compact && left === x).length;
  assert.equal(compactAt(342), compactAt(8));
});

test("the first free place wins; with none free it stays compact in its corner", () => {
  const text = [rect(0, 700, 390, 30)];
  const covered = (place) => text.some((t) => t.left < place.right && place.left < t.right && t.top < place.bottom && place.top < t.bottom);
  assert.deepEqual(freeSpot(candidates(PHONE), covered), { ...rect(300, 792, 82, 44), compact: false, moved: false });
  text.push(rect(0, 760, 390, 84)); // the foot of the screen is text too
  const spot = freeSpot(candidates(PHONE), covered);
  assert.equal(spot.compact, true);
  assert.ok(spot.bottom <= 700 && spot.top >= 8, JSON.stringify(spot));
  assert.deepEqual(freeSpot(candidates(PHONE), () => true), { ...rect(342, 796, 40, 40), compact: true, moved: false });
});

// A page for the probe: elements with boxes and text line boxes, and a hit test.
function fakePage(elements) {
  const root = { contains: (node) => node.inWidget === true };
  const calls = [];
  const doc = {
    createRange: () => ({
      selectNodeContents(node) {
        this.node = node;
      },
      getClientRects() {
        return this.node.lines;
      },
    }),
    elementsFromPoint(x, y) {
      calls.push([x, y]);
      const inside = (r) => r.left <= x && x < r.right && r.top <= y && y < r.bottom;
      return elements.filter((element) => inside(element.getBoundingClientRect()));
    },
  };
  return { doc, root, calls };
}
const element = (nodeName, box, lines = [], extra = {}) => ({
  nodeName,
  getBoundingClientRect: () => box,
  childNodes: lines.length ? [{ nodeType: 3, data: "Some words", lines }] : [],
  ...extra,
});

test("the probe sees the page's text line boxes, not just the blocks they sit in", () => {
  // a paragraph across the screen whose last line ends at x=200
  const paragraph = element("P", rect(16, 600, 358, 60), [rect(16, 600, 358, 30), rect(16, 630, 184, 30)]);
  const body = element("BODY", rect(0, 0, 390, 2000));
  const { doc, root } = fakePage([paragraph, body]);
  const covered = makeProbe(doc, root);
  assert.equal(covered(rect(342, 605, 40, 40)), true, "over the first line");
  assert.equal(covered(rect(342, 634, 40, 40)), false, "beside the short last line");
  assert.equal(covered(rect(150, 634, 40, 40)), true, "over the last line");
  assert.equal(covered(rect(342, 700, 40, 40)), false, "below the paragraph");
});

test("images and form fields count as content; the widget's own text does not", () => {
  const picture = element("IMG", rect(0, 100, 390, 200));
  const field = element("INPUT", rect(16, 400, 358, 44));
  const own = element("SPAN", rect(300, 500, 82, 44), [rect(310, 510, 60, 20)], { inWidget: true });
  const { doc, root } = fakePage([picture, field, own]);
  const covered = makeProbe(doc, root);
  assert.equal(covered(rect(342, 200, 40, 40)), true);
  assert.equal(covered(rect(342, 410, 40, 40)), true);
  assert.equal(covered(rect(300, 500, 82, 44)), false);
});

test("a point is hit-tested once however many places share it", () => {
  const { doc, root, calls } = fakePage([element("BODY", rect(0, 0, 390, 2000))]);
  const covered = makeProbe(doc, root);
  for (const place of candidates(PHONE)) covered(place);
  const distinct = new Set(calls.map((point) => point.join()));
  assert.equal(distinct.size, calls.length);
});

test("while the page scrolls the launcher is compact; at rest it is placed again", () => {
  const win = makeDom();
  const doc = win.document;
  const timers = manualTimers();
  const root = doc.createElement("div");
  const launcher = doc.createElement("button");
  const transcript = doc.createElement("div");
  root.append(launcher, transcript);
  doc.body.append(root);
  createLauncherPlacement({ win, doc, root, launcher, timers });
  doc.dispatchEvent(new win.Event("scroll"));
  assert.ok(launcher.classList.contains("fd-compact") && launcher.classList.contains("fd-scrolling"));
  timers.advance(100);
  doc.dispatchEvent(new win.Event("scroll"));
  timers.advance(100);
  assert.ok(launcher.classList.contains("fd-scrolling"), "still scrolling: the wait starts again");
  timers.advance(100);
  assert.ok(!launcher.classList.contains("fd-scrolling"));
  // jsdom lays nothing out, so "placed again" is the full-size launcher in its corner
  assert.ok(!launcher.classList.contains("fd-compact"));
  transcript.dispatchEvent(new win.Event("scroll", { bubbles: false }));
  assert.ok(!launcher.classList.contains("fd-scrolling"), "the chat's own transcript scrolling is not the page");
});
