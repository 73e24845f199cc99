// Builds widget/src into the one file the handoff service serves at
// /widget/frontdoor-widget.js. The output is committed (see widget/README.md);
// `npm run build:widget` rewrites it, `node --test widget/test/` checks it
// is current and within the size budget.
import { build } from "esbuild";
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const OUTFILE = join(here, "..", "handoff", "static", "widget", "frontdoor-widget.js");

const BANNER =
  "/*! Frontdoor resident chat widget. AGPL-3.0-or-later. Built from widget/src by `npm run build:widget`; do not edit. */";

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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await bundle();
  mkdirSync(dirname(OUTFILE), { recursive: true });
  writeFileSync(OUTFILE, text);
  const { gzipSync } = await import("node:zlib");
  console.log(`wrote ${OUTFILE}: ${text.length} bytes, ${gzipSync(text, { level: 9 }).length} gzipped`);
}
