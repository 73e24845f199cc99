// How the console gets an advisor's attention: a polite live-region
// announcement, a short tone (WebAudio, no file; off with the "Sound alerts"
// toggle, remembered in this browser), and a count in the tab title.

const KEY = "fd-console-sound";

export function createNotifier({ announcer, soundButton, baseTitle }) {
  let audio = null;
  let enabled = true;
  try {
    enabled = window.localStorage.getItem(KEY) !== "off";
  } catch {
    enabled = true;
  }

  function paint() {
    soundButton.setAttribute("aria-pressed", String(enabled));
    soundButton.textContent = enabled ? "Sound alerts: on" : "Sound alerts: off";
  }

  // Browsers only allow sound after a user gesture; any click unlocks it.
  function unlock() {
    if (audio || !(window.AudioContext || window.webkitAudioContext)) return;
    try {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    } catch {
      audio = null;
    }
  }
  document.addEventListener("click", unlock, { capture: true });
  document.addEventListener("keydown", unlock, { capture: true });

  soundButton.addEventListener("click", () => {
    enabled = !enabled;
    try {
      window.localStorage.setItem(KEY, enabled ? "on" : "off");
    } catch {
      // a preference we cannot keep is still honoured for this page
    }
    paint();
  });
  paint();

  function tone() {
    if (!enabled || !audio) return;
    try {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.4);
    } catch {
      // sound is a nicety
    }
  }

  function announce(text) {
    const line = document.createElement("p");
    line.textContent = text;
    announcer.append(line);
    while (announcer.childNodes.length > 3) announcer.firstChild.remove();
  }

  return {
    alert(text) {
      announce(text);
      tone();
    },
    announce,
    setCount(count) {
      document.title = count > 0 ? `(${count}) ${baseTitle}` : baseTitle;
    },
  };
}
