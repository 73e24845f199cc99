// Builds widget/src into the one file the handoff service serves at
// /widget/frontdoor-widget.js. The output is committed (see widget/README.md);
// `npm run build:widget` rewrites it, `node --test widget/test/` checks it
// is current and within the size budget.
import { build } from "esbuild";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const OUTDIR = join(here, "..", "handoff", "static", "widget");
export const OUTFILE = join(OUTDIR, "frontdoor-widget.js");
export const CSS_OUTFILE = join(OUTDIR, "frontdoor-widget.css");
// co-browsing: the recorder (loaded by the widget only after the resident
// allows it) and the replayer the advisor console imports
export const RECORDER_OUTFILE = join(OUTDIR, "frontdoor-cobrowse.js");
export const REPLAYER_OUTFILE = join(here, "..", "handoff", "static", "console", "vendor", "rrweb-replay.js");
export const REPLAYER_CSS_OUTFILE = join(here, "..", "handoff", "static", "console", "vendor", "rrweb-replay.css");

const BANNER =
  "/*! Frontdoor resident chat widget. AGPL-3.0-or-later. Built from widget/src by `npm run build:widget`; do not edit. */";

const CSS_BANNER = "/*! Frontdoor resident chat widget styles. AGPL-3.0-or-later. Built from widget/src/styles.css. */";

export async function bundleCss() {
  const result = await build({
    entryPoints: [join(here, "src", "styles.css")],
    bundle: true,
    minify: true,
    legalComments: "none",
    banner: { css: CSS_BANNER },
    write: false,
    logLevel: "silent",
    outfile: CSS_OUTFILE,
  });
  return result.outputFiles[0].text;
}

export async function bundle() {
  const result = await build({
    entryPoints: [join(here, "src", "index.js")],
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    legalComments: "none",
    banner: { js: BANNER },
    charset: "utf8",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

export async function bundleRecorder() {
  const result = await build({
    entryPoints: [join(here, "src", "recorder.js")],
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    legalComments: "none",
    banner: {
      js: "/*! Frontdoor co-browse recorder. AGPL-3.0-or-later; includes rrweb (MIT, https://github.com/rrweb-io/rrweb). Built from widget/src/recorder.js; do not edit. */",
    },
    charset: "utf8",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

export async function bundleReplayer() {
  const result = await build({
    stdin: { contents: 'export { Replayer } from "@rrweb/replay";', resolveDir: here, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2020"],
    legalComments: "none",
    banner: { js: "/*! rrweb replayer (MIT, https://github.com/rrweb-io/rrweb), bundled by widget/build.mjs; do not edit. */" },
    charset: "utf8",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

export function replayerCss() {
  return readFileSync(join(here, "..", "node_modules", "@rrweb", "replay", "dist", "style.min.css"), "utf8").replace(/\/\*# sourceMappingURL=.*\*\//, "");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { gzipSync } = await import("node:zlib");
  mkdirSync(OUTDIR, { recursive: true });
  mkdirSync(dirname(REPLAYER_OUTFILE), { recursive: true });
  for (const [file, text] of [
    [OUTFILE, await bundle()],
    [CSS_OUTFILE, await bundleCss()],
    [RECORDER_OUTFILE, await bundleRecorder()],
    [REPLAYER_OUTFILE, await bundleReplayer()],
    [REPLAYER_CSS_OUTFILE, replayerCss()],
  ]) {
    writeFileSync(file, text);
    console.log(`wrote ${file}: ${text.length} bytes, ${gzipSync(text, { level: 9 }).length} gzipped`);
  }
}
