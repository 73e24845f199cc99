// The launcher never covers the page it sits on (issue 17).
//
// - The page keeps room at its foot as tall as the launcher (--fd-launcher-space,
//   styles.css), so at the end of a page it rests in its corner at full size.
// - While the page (or any box in it) scrolls, it is a compact round button
//   (.fd-compact; its name stays the full "Chat with us", and keyboard focus
//   shows the label again).
// - At rest it looks at what is under it and takes the first free place: full
//   size in its corner, compact in its corner, compact further up its own edge,
//   then the other edge (freeSpot). "Under it" is read from the browser, not
//   from our site's markup: document.elementsFromPoint on points over the box,
//   then the exact line boxes of each element's own text (and the box of
//   images, media and form fields), so it works on any page that embeds it.
// Nothing moves smoothly (no motion to reduce); a place is simply taken.

const IDLE_MS = 150; // no scroll for this long: at rest (where "scrollend" is missing)
const STEP = 12; // px between candidate places, and at most between probe points (a line of text is taller)
const CLEAR = 2; // px kept clear around the box
const BOXED = new Set(["IMG", "VIDEO", "IFRAME", "CANVAS", "INPUT", "SELECT", "TEXTAREA", "OBJECT", "EMBED"]);

const overlaps = (a, b) =>
  a.left < b.right + CLEAR && b.left < a.right + CLEAR && a.top < b.bottom + CLEAR && b.top < a.bottom + CLEAR;

const box = (left, top, width, height) => ({ left, top, right: left + width, bottom: top + height, width, height });

// Places to try, best first. `home` and `compact` are the launcher's boxes in
// its corner at full and compact size; `vw` x `vh` the viewport.
export function* candidates({ vw, vh, home, compact, step = STEP }) {
  yield { ...box(home.left, home.top, home.width, home.height), compact: false, moved: false };
  yield { ...box(compact.left, compact.top, compact.width, compact.height), compact: true, moved: false };
  const onRight = compact.left + compact.width / 2 > vw / 2;
  const gap = onRight ? vw - compact.right : compact.left;
  const edges = onRight ? [vw - gap - compact.width, gap] : [gap, vw - gap - compact.width];
  const margin = Math.max(vh - compact.bottom, 0);
  for (const left of edges) {
    for (let top = compact.top; top >= margin; top -= step) {
      if (left !== compact.left || top !== compact.top) yield { ...box(left, top, compact.width, compact.height), compact: true, moved: true };
    }
  }
}

// The first candidate with nothing under it, or the compact corner if none is free.
export function freeSpot(places, covered) {
  let fallback = null;
  for (const place of places) {
    if (place.compact && !fallback) fallback = place;
    if (!covered(place)) return place;
  }
  return fallback;
}

// covered(box): is any of the page's text (or an image, media, form field)
// under the box? Results of each probe point and element are kept, so many
// overlapping candidates cost few hit tests. `root` is the widget's own.
export function makeProbe(doc, root) {
  const known = []; // rects of content found so far
  const seenPoints = new Set();
  const seenElements = new Set();
  const range = doc.createRange();
  function collect(element) {
    if (seenElements.has(element)) return;
    seenElements.add(element);
    if (root.contains(element)) return;
    if (BOXED.has(element.nodeName)) known.push(element.getBoundingClientRect());
    for (const node of element.childNodes) {
      if (node.nodeType !== 3 || !node.data.trim()) continue;
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.width && rect.height) known.push(rect);
    }
  }
  const steps = (from, to) => {
    const out = [];
    for (let at = Math.ceil(from) + 1; at < to - 1; at += STEP) out.push(at);
    out.push(Math.floor(to) - 1);
    return out;
  };
  return function covered(place) {
    if (known.some((rect) => overlaps(rect, place))) return true;
    for (const y of steps(place.top - CLEAR, place.bottom + CLEAR)) {
      for (const x of steps(place.left - CLEAR, place.right + CLEAR)) {
        const key = `${x},${y}`;
        if (seenPoints.has(key)) continue;
        seenPoints.add(key);
        const before = known.length;
        for (const element of doc.elementsFromPoint(x, y)) collect(element);
        for (let i = before; i < known.length; i++) if (overlaps(known[i], place)) return true;
      }
    }
    return false;
  };
}

export function createLauncherPlacement({ win, doc, root, launcher, timers = win }) {
  const html = doc.documentElement;
  let idle = null;
  let scrolling = false;

  function reset() {
    launcher.classList.remove("fd-compact");
    for (const side of ["top", "right", "bottom", "left"]) launcher.style.removeProperty(side);
  }

  function place() {
    reset();
    if (!doc.elementsFromPoint) return;
    const home = launcher.getBoundingClientRect();
    if (!home.width) return; // not shown (print, or not laid out)
    const vw = html.clientWidth;
    const vh = win.innerHeight;
    const css = win.getComputedStyle(launcher);
    const anchor = { right: parseFloat(css.right), bottom: parseFloat(css.bottom), left: parseFloat(css.left) };
    // the room at the foot of the page: the launcher and its margin above and below
    html.style.setProperty("--fd-launcher-space", `${Math.ceil(home.height + 2 * anchor.bottom)}px`);
    html.classList.add("fd-has-launcher");
    launcher.classList.add("fd-compact");
    const compact = launcher.getBoundingClientRect();
    const spot = freeSpot(candidates({ vw, vh, home, compact }), makeProbe(doc, root));
    launcher.classList.toggle("fd-compact", spot.compact);
    if (!spot.moved) return;
    // anchored to its edge and the foot, so the label shown on focus grows into the page
    const style = launcher.style;
    if (spot.left + spot.width / 2 > vw / 2) {
      style.right = `${anchor.right + home.right - spot.right}px`;
      style.left = "auto";
    } else {
      style.left = `${anchor.left + spot.left - home.left}px`;
      style.right = "auto";
    }
    style.bottom = `${anchor.bottom + home.bottom - spot.bottom}px`;
    style.top = "auto";
  }

  function settle() {
    timers.clearTimeout(idle);
    idle = null;
    scrolling = false;
    launcher.classList.remove("fd-scrolling");
    place();
  }

  function onScroll(event) {
    if (event.target !== doc && root.contains(event.target)) return; // the chat's own transcript
    if (!scrolling) {
      scrolling = true;
      launcher.classList.add("fd-compact", "fd-scrolling");
    }
    timers.clearTimeout(idle);
    idle = timers.setTimeout(settle, IDLE_MS);
  }

  const listen = { capture: true, passive: true };
  doc.addEventListener("scroll", onScroll, listen);
  doc.addEventListener("scrollend", (event) => scrolling && !root.contains(event.target) && settle(), listen);
  win.addEventListener("resize", () => onScroll({ target: doc }));
  // content that grows or moves (images arriving, a details box opened)
  if (win.ResizeObserver) new win.ResizeObserver(() => !scrolling && place()).observe(doc.body);
  return { place };
}
