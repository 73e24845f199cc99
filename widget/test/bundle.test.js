// The committed bundles are what `make run` serves, so they must match the
// source and stay inside their size budgets: the core widget (script) under
// 20 KB gzipped, script and stylesheet under 30 KB (Chatwoot's loader alone is
// about 40 KB), and the co-browse recorder, loaded only after the resident
// allows co-browsing, under 30 KB.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import {
  bundle,
  bundleCss,
  bundleRecorder,
  bundleReplayer,
  replayerCss,
  OUTFILE,
  CSS_OUTFILE,
  RECORDER_OUTFILE,
  REPLAYER_OUTFILE,
  REPLAYER_CSS_OUTFILE,
} from "../build.mjs";

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

test("the committed bundles and stylesheets are built from the current source", async () => {
  for (const [file, fresh] of [
    [OUTFILE, await bundle()],
    [CSS_OUTFILE, await bundleCss()],
    [RECORDER_OUTFILE, await bundleRecorder()],
    [REPLAYER_OUTFILE, await bundleReplayer()],
    [REPLAYER_CSS_OUTFILE, replayerCss()],
  ]) {
    assert.ok(readFileSync(file, "utf8") === fresh, `${file} is stale: run \`npm run build:widget\` and commit it`);
  }
});

test("the core script is under 20 KB gzipped, with its stylesheet under 30 KB", () => {
  assert.ok(gz(OUTFILE) <= 20 * 1024, `${gz(OUTFILE)} bytes gzipped`);
  const size = gz(OUTFILE) + gz(CSS_OUTFILE);
  assert.ok(size < 30 * 1024, `${size} bytes gzipped`);
});

test("the co-browse recorder is under 30 KB gzipped", () => {
  assert.ok(gz(RECORDER_OUTFILE) <= 30 * 1024, `${gz(RECORDER_OUTFILE)} bytes gzipped`);
});
