// The committed bundle is what `make run` serves, so it must match the
// source and stay inside the size budget (30 KB gzipped; Chatwoot's loader
// alone is about 40 KB).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { bundle, bundleCss, OUTFILE, CSS_OUTFILE } from "../build.mjs";

const BUDGET_BYTES = 30 * 1024;

test("the committed bundle and stylesheet are built from the current source", async () => {
  for (const [file, fresh] of [[OUTFILE, await bundle()], [CSS_OUTFILE, await bundleCss()]]) {
    assert.ok(readFileSync(file, "utf8") === fresh, `${file} is stale: run \`npm run build:widget\` and commit it`);
  }
});

test("script and stylesheet together are under 30 KB gzipped", () => {
  const size = [OUTFILE, CSS_OUTFILE].reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  assert.ok(size < BUDGET_BYTES, `${size} bytes gzipped`);
});
