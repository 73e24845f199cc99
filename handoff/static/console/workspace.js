// The workspace's shared state for modules beside main.js (the co-browse
// panel, handoff/static/console/cobrowse.js): which chat is selected, every
// frame the advisor socket receives, and a way to send one. ES modules are
// loaded once per page, so every importer sees the same object.
//
// Events (CustomEvent, detail in brackets):
//   "select"  {conversationId}  the advisor chose a chat (null: none left)
//   "removed" {conversationId, reason}  a chat left this console
//   "frame"   {frame}  every frame from the advisor socket, after main.js
// The right-hand panel holds <section id="cobrowse-panel" hidden> for them.

class Workspace extends EventTarget {
  constructor() {
    super();
    this.selected = null;
    this.sender = () => false;
  }

  // Send a frame on the advisor socket; false when it is not connected.
  send(frame) {
    return this.sender(frame);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export const workspace = new Workspace();
