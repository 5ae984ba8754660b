import { useEffect, useRef, useState } from 'react';

/**
 * A secret or link shown read-only with a Copy button. The clipboard API exists only on secure
 * pages (https or localhost); on a LAN address over http it falls back to selecting the text and
 * the older copy command, and failing that leaves it selected for Ctrl+C.
 */
export function CopyField({ value, label }: { value: string; label: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = window.setTimeout(() => setCopied(false), 1_600);
    return () => window.clearTimeout(t);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      return;
    } catch {
      // not a secure page, or permission refused: select and try the older way
    }
    input.current?.select();
    setCopied(document.execCommand?.('copy') ?? false);
  };

  return (
    <div className="copy-field">
      <input ref={input} className="text-input copy-value" readOnly value={value} aria-label={label} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" className="btn" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
