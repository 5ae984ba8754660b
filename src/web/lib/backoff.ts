/** Retries wait 1 s, 2 s, 4 s … up to this. */
export const MAX_BACKOFF_MS = 30_000;

/**
 * The wait before retry number `attempt` (1 for the first): doubling from 1 s up to 30 s, spread
 * ±25 % so that many tabs that failed together (a server restart) do not retry in step.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const raw = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.75 + 0.5 * random()));
}
