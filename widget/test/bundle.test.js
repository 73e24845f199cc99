// The committed bundle is what `make run` serves, so it must match the
// source and stay inside the size budget (30 KB gzipped; Chatwoot's loader
// alone is about 40 KB).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { bundle, OUTFILE } from "../build.mjs";

const BUDGET_BYTES = 30 * 1024;

test("the committed bundle is built from the current source", async () => {
  const fresh = await bundle();
  const committed = readFileSync(OUTFILE, "utf8");
  assert.ok(committed === fresh, "handoff/static/widget/frontdoor-widget.js is stale: run `npm run build:widget` and commit it");
});

test("the bundle is under 30 KB gzipped", () => {
  const size = gzipSync(readFileSync(OUTFILE), { level: 9 }).length;
  assert.ok(size < BUDGET_BYTES, `${size} bytes gzipped`);
});
