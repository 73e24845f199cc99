// Rules a reviewer would otherwise have to remember (STYLE.md, Widget).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
const HANDOFF = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "handoff");
const CONSOLE_JS = join(HANDOFF, "static", "console");
const TEMPLATES = join(HANDOFF, "templates");

function sources(dir = SRC, ext = ".js") {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

test("no HTML parsing sinks or eval in the widget or the console scripts", () => {
  for (const path of [...sources(), ...sources(CONSOLE_JS)]) {
    const text = readFileSync(path, "utf8").replace(/^\s*\/\/.*$/gm, "");
    for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute(\"on"]) {
      assert.ok(!text.includes(sink), `${path} uses ${sink}`);
    }
  }
});

test("postMessage, if ever used, names its target origin", () => {
  for (const path of sources()) {
    const text = readFileSync(path, "utf8");
    assert.ok(!/postMessage\([^)]*["']\*["']/.test(text), `${path} posts to '*'`);
  }
});

test("every id and class the widget creates is fd- prefixed", () => {
  for (const path of sources()) {
    const text = readFileSync(path, "utf8");
    for (const [, value] of text.matchAll(/\b(?:id|className):\s*"([^"]+)"/g)) {
      for (const name of value.split(/\s+/)) assert.ok(name.startsWith("fd-"), `${path}: ${name}`);
    }
    for (const [, name] of text.matchAll(/\bid:\s*uid\("([^"]+)"\)/g)) assert.ok(name, path); // uid() adds fd-
  }
});

test("console templates have no inline script, style or event handler (strict CSP)", () => {
  for (const path of sources(TEMPLATES, ".html")) {
    const text = readFileSync(path, "utf8");
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(text), `${path} has an inline <script>`);
    assert.ok(!/<style[\s>]/i.test(text), `${path} has a <style> element`);
    assert.ok(!/\sstyle=/i.test(text), `${path} has a style attribute`);
    assert.ok(!/\son[a-z]+=/i.test(text), `${path} has an inline event handler`);
    assert.ok(!/\|\s*safe\b/.test(text), `${path} turns off autoescaping`);
  }
});
