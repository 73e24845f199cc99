// Storage that never throws. Browsers refuse storage in private modes, in
// sandboxed iframes and when cookies are blocked; the widget must still work
// (it simply forgets the conversation on reload), so every access is wrapped
// and falls back to an in-memory map.

function probe(getArea) {
  try {
    const area = getArea();
    const key = "fd-probe";
    area.setItem(key, "1");
    area.removeItem(key);
    return area;
  } catch {
    return null;
  }
}

export function createStorage(getArea, prefix = "fd-") {
  const area = probe(getArea);
  const memory = new Map();

  function read(key) {
    const name = prefix + key;
    // What this page wrote wins (the write may not have reached storage);
    // otherwise read what an earlier page left.
    if (memory.has(name)) return memory.get(name);
    try {
      if (area) return area.getItem(name);
    } catch {
      // storage revoked since the probe
    }
    return null;
  }

  function write(key, value) {
    const name = prefix + key;
    memory.set(name, value);
    try {
      if (area) area.setItem(name, value);
    } catch {
      // quota exceeded or storage revoked: memory keeps it for this page
    }
  }

  return {
    persistent: area !== null,
    getJSON(key, fallback = null) {
      const raw = read(key);
      if (raw === null) return fallback;
      try {
        return JSON.parse(raw);
      } catch {
        return fallback;
      }
    },
    setJSON(key, value) {
      write(key, JSON.stringify(value));
    },
    get(key) {
      return read(key);
    },
    set(key, value) {
      write(key, String(value));
    },
    remove(key) {
      const name = prefix + key;
      memory.delete(name);
      try {
        if (area) area.removeItem(name);
      } catch {
        // nothing to do
      }
    },
  };
}

// The conversation lives in sessionStorage: it survives reloads and
// navigation in this tab, and ends with the tab (a shared library computer
// does not hand the next person someone's chat). The language choice is a
// preference, so it is kept in localStorage.
export function sessionStore(win) {
  return createStorage(() => win.sessionStorage);
}

export function preferenceStore(win) {
  return createStorage(() => win.localStorage);
}
