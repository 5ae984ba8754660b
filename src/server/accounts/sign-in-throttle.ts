/**
 * Failed sign-ins per user and per address in a sliding window: after `limit` failures within
 * `windowMs`, further attempts wait until the oldest of them leaves the window (AS2). In memory
 * only: a restart forgets it, which costs an attacker a restart they cannot cause.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds to wait before any of `keys` may try again, 0 when none is throttled. */
  retryAfterS(keys: readonly string[], nowMs: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, nowMs);
      if (recent.length >= this.limit) wait = Math.max(wait, Math.ceil((recent[recent.length - this.limit]! + this.windowMs - nowMs) / 1000));
    }
    return wait;
  }

  fail(keys: readonly string[], nowMs: number): void {
    for (const key of keys) {
      const recent = this.recent(key, nowMs);
      recent.push(nowMs);
      this.failures.delete(key); // re-inserted last: the Map's order is least recently failed first
      this.failures.set(key, recent.slice(-this.limit));
    }
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > nowMs - this.windowMs);
  }
}
