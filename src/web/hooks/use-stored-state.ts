import { useCallback, useState } from 'react';

/** UI preferences that survive a reload (grid mode, thumbnail size), but not part of links. */
export function useStoredState<T>(key: string, initial: T, isValid: (value: unknown) => value is T): [T, (value: T) => void] {
  const storageKey = `lenslet.${key}`;
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(storageKey);
      if (raw !== null) {
        const parsed: unknown = JSON.parse(raw);
        if (isValid(parsed)) return parsed;
      }
    } catch {
      // storage unavailable or corrupt: use the default
    }
    return initial;
  });
  const set = useCallback(
    (next: T) => {
      setValue(next);
      try {
        localStorage.setItem(storageKey, JSON.stringify(next));
      } catch {
        // private mode or quota: the preference just won't persist
      }
    },
    [storageKey],
  );
  return [value, set];
}
