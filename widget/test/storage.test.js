import { test } from "node:test";
import assert from "node:assert/strict";
import { createStorage } from "../src/storage.js";

function area() {
  const map = new Map();
  return {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
    map,
  };
}

test("round-trips JSON under the fd- prefix", () => {
  const backing = area();
  const store = createStorage(() => backing);
  store.setJSON("conversation", { id: "c1", cursor: 4 });
  assert.deepEqual(store.getJSON("conversation"), { id: "c1", cursor: 4 });
  assert.ok(backing.map.has("fd-conversation"));
  assert.equal(store.persistent, true);
});

test("falls back to memory when storage throws on access", () => {
  const store = createStorage(() => {
    throw new Error("SecurityError");
  });
  assert.equal(store.persistent, false);
  store.set("language", "cy");
  assert.equal(store.get("language"), "cy");
  store.remove("language");
  assert.equal(store.get("language"), null);
});

test("a full quota does not throw and the value is kept for the page", () => {
  const backing = area();
  const store = createStorage(() => backing);
  backing.setItem = () => {
    throw new Error("QuotaExceededError");
  };
  store.setJSON("big", { a: 1 });
  assert.equal(backing.map.has("fd-big"), false);
  assert.deepEqual(store.getJSON("big"), { a: 1 });
});

test("corrupt JSON reads as the fallback", () => {
  const backing = area();
  backing.setItem("fd-conversation", "{not json");
  const store = createStorage(() => backing);
  assert.deepEqual(store.getJSON("conversation", { none: true }), { none: true });
});
