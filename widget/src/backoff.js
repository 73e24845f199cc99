// Reconnection delays: exponential from 0.5 s to 15 s with "equal jitter"
// (half fixed, half random) so a restarted service is not hit by every
// widget at the same instant. PROTOCOL.md §2.3.

export const BASE_MS = 500;
export const MAX_MS = 15000;

export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
