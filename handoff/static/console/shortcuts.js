// Keyboard shortcuts for the common moves, and the "?" dialog that lists
// them. Every move has an Alt combination that works anywhere, even while
// typing. The single keys (j, k, r, / and ?) never fire while focus is in a
// text field, and the advisor can turn them off in the dialog (WCAG 2.1.4);
// the choice is remembered in this browser.

import { el } from "./dom.js";

const KEY = "fd-console-single-keys";

export const SHORTCUTS = [
  { action: "next", keys: ["Alt+J"], single: "j", words: "Next chat" },
  { action: "previous", keys: ["Alt+K"], single: "k", words: "Previous chat" },
  { action: "accept", keys: ["Alt+A"], words: "Accept the chat offered to you, or the first in the queue" },
  { action: "reply", keys: ["Alt+R"], single: "r", words: "Go to the reply box" },
  { action: null, keys: ["Enter"], words: "Send the message (in the reply box; Shift+Enter starts a new line)" },
  { action: "search", keys: ["Alt+/"], single: "/", words: "Search the knowledge base" },
  { action: "transfer", keys: ["Alt+Shift+T"], words: "Transfer the chat" },
  { action: "close", keys: ["Alt+Shift+C"], words: "Close the chat" },
  { action: "help", keys: ["Alt+Shift+/"], single: "?", words: "Show these shortcuts" },
];

const ALT = { KeyJ: "next", KeyK: "previous", KeyA: "accept", KeyR: "reply", Slash: "search" };
const ALT_SHIFT = { KeyT: "transfer", KeyC: "close", Slash: "help" };

function typingIn(target) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  const field = target.closest("input, textarea, select");
  if (!field) return false;
  return !["checkbox", "radio", "button", "submit", "reset"].includes(field.type);
}

export function singleKeysOn() {
  try {
    return window.localStorage.getItem(KEY) !== "off";
  } catch {
    return true;
  }
}

// Which action a keydown asks for, or null. AltGr (Ctrl+Alt on Windows,
// used for Welsh accented letters) is never a shortcut.
export function actionFor(event, { singleKeys = singleKeysOn() } = {}) {
  if (event.isComposing || event.ctrlKey || event.metaKey) return null;
  if (event.altKey) return (event.shiftKey ? ALT_SHIFT : ALT)[event.code] || null;
  if (!singleKeys || typingIn(event.target)) return null;
  const found = SHORTCUTS.find((s) => s.single && s.single === event.key);
  return found ? found.action : null;
}

export function createShortcuts({ dialog, opener, actions }) {
  const toggle = dialog.querySelector("input[name=single-keys]");
  const body = dialog.querySelector("tbody");
  body.replaceChildren(
    ...SHORTCUTS.map((s) =>
      el("tr", {}, [
        el("td", {}, s.keys.flatMap((k, i) => [i ? " or " : null, el("kbd", { text: k })]).concat(s.single ? [" or ", el("kbd", { className: "kbd--single", text: s.single })] : []).filter(Boolean)),
        el("td", { text: s.words }),
      ]),
    ),
  );
  toggle.checked = singleKeysOn();
  const paintSingles = () => dialog.classList.toggle("singles-off", !toggle.checked);
  paintSingles();
  toggle.addEventListener("change", () => {
    try {
      window.localStorage.setItem(KEY, toggle.checked ? "on" : "off");
    } catch {
      // honoured for this page even if the browser cannot keep it
    }
    paintSingles();
  });
  let returnTo = null;
  function open() {
    if (dialog.open) return;
    returnTo = document.activeElement;
    dialog.showModal();
  }
  dialog.addEventListener("close", () => {
    if (returnTo && returnTo.isConnected) returnTo.focus();
  });
  dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
  opener.addEventListener("click", open);

  document.addEventListener("keydown", (event) => {
    if (dialog.open) return; // the dialog has its own keys (Tab, Escape)
    const action = actionFor(event, { singleKeys: toggle.checked });
    if (!action) return;
    event.preventDefault();
    if (action === "help") open();
    else if (actions[action]) actions[action]();
  });
  return { open };
}
