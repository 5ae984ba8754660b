import type { Principal } from './principal.js';

interface Entry {
  principal: Principal;
  /** Sessions: when it expires, and from when on its expiry is pushed forward (sliding). */
  expiresAtMs: number;
  extendAfterMs: number;
}

/**
 * Principals by the hash of the secret that proved them (session, token) or by proxy user name:
 * the hot path of every authenticated request reads here instead of the store. Cleared whole on
 * any account change, ours or another process's: changes are rare, lookups constant.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
