import { useEffect, useState } from 'react';

/** A spinner that only appears after `delayMs`, so fast loads never flash it. */
export function Spinner({ delayMs = 150, label = 'Loading' }: { delayMs?: number; label?: string }) {
  const [visible, setVisible] = useState(delayMs <= 0);
  useEffect(() => {
    if (delayMs <= 0) return;
    const timer = setTimeout(() => setVisible(true), delayMs);
    return () => clearTimeout(timer);
  }, [delayMs]);
  if (!visible) return null;
  return <span className="spinner" role="status" aria-label={label} />;
}
