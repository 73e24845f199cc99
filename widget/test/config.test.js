import { test } from "node:test";
import assert from "node:assert/strict";
import { readConfig, normaliseColour, textColourOn, contrastRatio, socketUrl } from "../src/config.js";
import { backoffDelay, MAX_MS } from "../src/backoff.js";

const PAGE = "http://localhost:8000/";

test("reads the embedding attributes", () => {
  const script = {
    src: "http://localhost:8001/widget/frontdoor-widget.js",
    dataset: { frontdoorUrl: "http://localhost:8001/", council: "Bramblefield District Council", language: "cy", colour: "#00703C" },
  };
  const config = readConfig(script, PAGE);
  assert.equal(config.serviceUrl, "http://localhost:8001");
  assert.equal(config.council, "Bramblefield District Council");
  assert.equal(config.language, "cy");
  assert.equal(config.colour, "#00703c");
  assert.equal(config.colourText, "#ffffff");
});

test("falls back to the script's origin, English and the default colour", () => {
  const config = readConfig({ src: "https://chat.example.gov.uk/widget/x.js", dataset: { language: "fr", colour: "red;}" } }, PAGE);
  assert.equal(config.serviceUrl, "https://chat.example.gov.uk");
  assert.equal(config.language, "en");
  assert.equal(config.colour, "#1d70b8");
});

test("refuses a non-http service URL", () => {
  assert.equal(readConfig({ src: "", dataset: { frontdoorUrl: "javascript:alert(1)" } }, PAGE).serviceUrl, null);
});

test("text on the brand colour always has enough contrast", () => {
  for (const colour of ["#ffdd00", "#1d70b8", "#000000", "#ffffff", "#85994b", "#f47738"]) {
    const text = textColourOn(normaliseColour(colour));
    assert.ok(contrastRatio(colour, text) >= 4.5, `${colour} on ${text}`);
  }
  assert.equal(normaliseColour("#abc"), "#aabbcc");
});

test("socket URL follows the service scheme", () => {
  assert.equal(
    socketUrl("https://chat.example.gov.uk", "ws/resident", { conversation_id: "c1", token: "a b", cursor: 3 }),
    "wss://chat.example.gov.uk/ws/resident?conversation_id=c1&token=a+b&cursor=3",
  );
  assert.equal(socketUrl("http://localhost:8001", "ws/resident", {}), "ws://localhost:8001/ws/resident");
});

test("back-off grows from 0.5 s to at most 15 s, with jitter", () => {
  assert.equal(backoffDelay(0, () => 0), 250);
  assert.equal(backoffDelay(0, () => 1), 500);
  assert.equal(backoffDelay(3, () => 1), 4000);
  assert.equal(backoffDelay(30, () => 1), MAX_MS);
  assert.ok(backoffDelay(30, () => 0) >= MAX_MS / 2);
});
