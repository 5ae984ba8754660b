import { useEffect, useRef, useState } from 'react';
import { MAX_DISPLAY_NAME } from '../../api/sync/client-identity.js';
import { presenceLabel } from '../../api/sync/presence-client.js';
import { useEngineState, useSyncEngine } from '../../hooks/sync-context.js';
import { focusOnMount } from '../../lib/focus.js';

/** Toolbar: "N viewing · M editing" for the folder on screen; click to set your display name. */
export function PresenceIndicator() {
  const engine = useSyncEngine();
  const { presence, displayName } = useEngineState();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(displayName);
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);

  const save = () => {
    engine.setDisplayName(draft);
    setOpen(false);
  };

  return (
    <div className="presence" ref={wrap}>
      <button
        type="button"
        className="presence-button"
        onClick={() => {
          setDraft(displayName);
          setOpen(!open);
        }}
        title={displayName ? `You are ${displayName}` : 'Set your name, so others see who changed what'}
        aria-expanded={open}
        data-testid="presence"
      >
        <PeopleIcon />
        <span>{presence ? presenceLabel(presence) : '—'}</span>
      </button>
      {open ? (
        <form
          className="presence-card"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label className="presence-label" htmlFor="lenslet-display-name">
            Your name
          </label>
          <input
            id="lenslet-display-name"
            className="presence-input"
            value={draft}
            maxLength={MAX_DISPLAY_NAME}
            placeholder="Shown in history and activity"
            ref={focusOnMount}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setOpen(false);
            }}
          />
          <div className="presence-actions">
            <span className="presence-hint">Kept in this browser</span>
            <button type="submit" className="btn btn-primary">
              Save
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

function PeopleIcon() {
  return (
    <svg width="15" height="15" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
      <circle cx="6" cy="5" r="2.6" />
      <path d="M1 13.5c0-2.6 2.2-4.3 5-4.3s5 1.7 5 4.3V14H1z" />
      <circle cx="11.6" cy="5.6" r="2" opacity="0.6" />
      <path d="M11.8 9.4c1.9.2 3.2 1.5 3.2 3.6V14h-3v-.6c0-1.5-.5-2.9-1.4-3.8.4-.1.8-.2 1.2-.2z" opacity="0.6" />
    </svg>
  );
}
