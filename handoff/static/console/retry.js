// Sending again while the service says "not stored, send it again shortly"
// (a network error, 503 "unavailable" while the database restarts, "busy"
// while an instance sheds load). A recovery under load can take well over a
// minute, so the console keeps trying for up to two minutes, backing off
// (1 s, 2 s, 4 s, 8 s, then every 15 s, with jitter so a room of consoles does
// not come back in step) and tells the advisor it is still trying. Every try
// carries the same client_id, so the service stores the message once.

export const RETRY_BUDGET_MS = 120000;
const FIRST_MS = 1000;
const LONGEST_MS = 15000;

export function retryDelay(attempt, random = Math.random) {
  const base = Math.min(LONGEST_MS, FIRST_MS * 2 ** attempt);
  return Math.round(base * (0.75 + random() / 2));
}

// call() until it answers, retrying while retryable(error) and the waits so
// far fit in the budget; onWaiting(error, attempt) before each wait.
export async function withRetry(call, {
  retryable,
  onWaiting = () => {},
  budgetMs = RETRY_BUDGET_MS,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random = Math.random,
} = {}) {
  let waited = 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!retryable(error)) throw error;
      const delay = Math.min(retryDelay(attempt, random), budgetMs - waited);
      if (delay <= 0) throw error;
      onWaiting(error, attempt);
      await sleep(delay);
      waited += delay;
    }
  }
}
