/** The slice of the Web Storage API the sync code uses; tests pass a Map-backed one. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

export const STORAGE_KEYS = {
  clientId: 'lenslet.client_id',
  tabId: 'lenslet.tab_id',
  presenceToken: 'lenslet.presence_token',
  displayName: 'lenslet.display_name',
  sequence: 'lenslet.write_seq',
} as const;

export const MAX_DISPLAY_NAME = 60;

/** Storage kept in memory: used when the browser's storage throws (private mode, quota, disabled). */
export function memoryStorage(): KeyValueStorage {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
  };
}

/** Wraps a Storage so a throwing browser storage falls back to memory instead of breaking labeling. */
export function safeStorage(get: () => KeyValueStorage | undefined): KeyValueStorage {
  const fallback = memoryStorage();
  let real: KeyValueStorage | undefined;
  try {
    real = get();
    const probe = '__lenslet_probe__';
    real?.setItem(probe, '1');
    real?.removeItem(probe);
  } catch {
    real = undefined;
  }
  const target = real ?? fallback;
  const guard = <T>(fn: () => T, alt: () => T): T => {
    try {
      return fn();
    } catch {
      return alt();
    }
  };
  return {
    getItem: (k) => guard(() => target.getItem(k), () => fallback.getItem(k)),
    setItem: (k, v) => guard(() => target.setItem(k, v), () => fallback.setItem(k, v)),
    removeItem: (k) => guard(() => target.removeItem(k), () => fallback.removeItem(k)),
    get length() {
      return guard(() => target.length, () => fallback.length);
    },
    key: (i) => guard(() => target.key(i), () => fallback.key(i)),
  };
}

function loadOrCreate(storage: KeyValueStorage, key: string, makeId: () => string): string {
  const existing = storage.getItem(key);
  if (existing && /^[A-Za-z0-9_-]{8,100}$/.test(existing)) return existing;
  const id = makeId().replace(/[^A-Za-z0-9_-]/g, '');
  storage.setItem(key, id);
  return id;
}

/** One id per browser profile (localStorage), stable across reloads: it names idempotency keys. */
export function loadClientId(storage: KeyValueStorage, makeId: () => string): string {
  return loadOrCreate(storage, STORAGE_KEYS.clientId, makeId);
}

/**
 * One id per tab (sessionStorage survives a reload of the same tab but not a new tab), so two
 * tabs count as two viewers and a reload re-joins as the same viewer instead of leaving a ghost.
 */
export function loadTabId(session: KeyValueStorage, makeId: () => string): string {
  return loadOrCreate(session, STORAGE_KEYS.tabId, () => makeId().slice(0, 12));
}

/** The tab's presence secret: kept with the tab id, so a reload is still the owner of its presence. */
export function loadPresenceToken(session: KeyValueStorage, makeId: () => string): string {
  return loadOrCreate(session, STORAGE_KEYS.presenceToken, () => makeId().replace(/[^\w-]/g, ''));
}

export function loadDisplayName(storage: KeyValueStorage): string {
  return cleanDisplayName(storage.getItem(STORAGE_KEYS.displayName) ?? '');
}

export function saveDisplayName(storage: KeyValueStorage, name: string): string {
  const clean = cleanDisplayName(name);
  if (clean) storage.setItem(STORAGE_KEYS.displayName, clean);
  else storage.removeItem(STORAGE_KEYS.displayName);
  return clean;
}

/** Header-safe: no control characters, collapsed spaces, bounded length. */
export function cleanDisplayName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return name.replace(/[\x00-\x1f\x7f]/g, '').replace(/\s+/g, ' ').trim().slice(0, MAX_DISPLAY_NAME);
}

/** HTTP header values must be ISO-8859-1; anything else is percent-encoded. */
export function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

/**
 * Next write sequence number, persisted so keys never repeat across reloads. Read-increment-write
 * on localStorage is synchronous within a tab; tabs of one profile share the counter.
 */
export function nextSequence(storage: KeyValueStorage): number {
  const current = Number(storage.getItem(STORAGE_KEYS.sequence) ?? '0');
  const next = (Number.isSafeInteger(current) && current >= 0 ? current : 0) + 1;
  storage.setItem(STORAGE_KEYS.sequence, String(next));
  return next;
}

export function idempotencyKey(clientId: string, seq: number): string {
  return `${clientId}:${seq}`;
}
