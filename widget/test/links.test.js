import { test } from "node:test";
import assert from "node:assert/strict";
import { safeHref, createLink } from "../src/links.js";
import { makeDom } from "./helpers.js";

const BASE = "http://localhost:8000/bins";

test("http, https and relative URLs are allowed", () => {
  assert.equal(safeHref("https://www.gov.uk/register-to-vote", BASE), "https://www.gov.uk/register-to-vote");
  assert.equal(safeHref("/articles/bin-day", BASE), "http://localhost:8000/articles/bin-day");
  assert.equal(safeHref("council-tax", BASE), "http://localhost:8000/council-tax");
});

test("script, data and disguised schemes are refused", () => {
  for (const bad of [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "https://user:pass@evil.example/",
    "",
    null,
    42,
  ]) {
    assert.equal(safeHref(bad, BASE), null, String(bad));
  }
});

test("createLink builds a vetted anchor; other sites open in a new tab and say so", () => {
  const win = makeDom(BASE);
  const external = createLink(win.document, { title: "GOV.UK", url: "https://www.gov.uk/" }, { base: BASE, newTabText: "opens in a new tab" });
  assert.equal(external.tagName, "A");
  assert.equal(external.rel, "noopener noreferrer");
  assert.equal(external.target, "_blank");
  assert.equal(external.textContent, "GOV.UK (opens in a new tab)");
  const local = createLink(win.document, { title: "Bin day", url: "/bins/day" }, { base: BASE, newTabText: "x" });
  assert.equal(local.target, "");
  assert.equal(local.rel, "noopener noreferrer");
});

test("a refused URL becomes plain text, never a link", () => {
  const win = makeDom(BASE);
  const node = createLink(win.document, { title: "<b>click</b>", url: "javascript:alert(1)" }, { base: BASE, newTabText: "x" });
  assert.equal(node.tagName, "SPAN");
  assert.equal(node.textContent, "<b>click</b>");
  assert.equal(node.children.length, 0);
});
