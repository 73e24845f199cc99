// Rules a reviewer would otherwise have to remember (STYLE.md, Widget).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

function sources(dir = SRC) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".js") ? [path] : [];
  });
}

test("no HTML parsing sinks or eval in the widget source", () => {
  for (const path of sources()) {
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
