// The co-browse mirror's own document (/console/mirror, framed by the console):
// it only hands the rrweb replayer to the console's cobrowse.js, which draws
// the resident's page here. The replayer creates its iframe from this document,
// so the rebuilt page lives under this page's Content-Security-Policy (inline
// styles and the council site's stylesheets allowed, no script), never under
// the console's (see handoff/console.py).

import { Replayer } from "./vendor/rrweb-replay.js";

// now: the clock the replayer's live-mode timer counts (this window's
// performance.now()); the console stamps events with it (liveclock.js).
window.frontdoorMirror = { Replayer, root: document.getElementById("mirror-root"), now: () => performance.now() };
document.documentElement.dataset.ready = "true";
