import { useEffect, useId, useRef, useState } from 'react';
import { useMe } from '../../api/auth-api.js';
import { MAX_DISPLAY_NAME } from '../../api/sync/client-identity.js';
import { type PresenceCounts, presenceLabel, presenceWho } from '../../api/sync/presence-client.js';
import { useEngineState, useSyncEngine } from '../../hooks/sync-context.js';
import { focusOnMount } from '../../lib/focus.js';

/**
 * Toolbar: "N viewing · M editing" for the folder on screen; hovering or focusing it shows who
 * (a tooltip the button is described by); clicking it sets your display name, unless you are
 * signed in (accounts, proxy): then your account's name is the one everybody sees.
 */
export function PresenceIndicator() {
  const engine = useSyncEngine();
  const { presence, displayName } = useEngineState();
  const { me } = useMe();
  const named = me !== undefined && me.user !== null && (me.access === 'accounts' || me.access === 'proxy');
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(displayName);
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  // Escape hides the card until the pointer or focus leaves and comes back (WCAG 1.4.13).
  const [dismissed, setDismissed] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const tipId = useId();
  const showTip = (hovered || focused) && !open && !dismissed;

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
          if (named) return;
          setDraft(displayName);
          setOpen(!open);
        }}
        onMouseEnter={() => setHovered(true)}
        onMouseLeave={() => {
          setHovered(false);
          if (!focused) setDismissed(false);
        }}
        onFocus={() => setFocused(true)}
        onBlur={() => {
          setFocused(false);
          if (!hovered) setDismissed(false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && showTip) setDismissed(true);
        }}
        aria-expanded={named ? undefined : open}
        aria-describedby={showTip ? tipId : undefined}
        data-testid="presence"
      >
        <PeopleIcon />
        <span>{presence ? presenceLabel(presence) : '—'}</span>
      </button>
      {showTip ? <WhoCard id={tipId} counts={presence} displayName={displayName} onHover={setHovered} /> : null}
      {open && !named ? (
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

interface WhoCardProps {
  id: string;
  counts: PresenceCounts | null;
  displayName: string;
  /** The pointer may move onto the card to read it without it closing (WCAG 1.4.13). */
  onHover: (over: boolean) => void;
}

function WhoCard({ id, counts, displayName, onHover }: WhoCardProps) {
  const who = presenceWho(counts ?? { viewers: 0, editors: 0, users: [] });
  return (
    <div className="presence-who" role="tooltip" id={id} data-testid="presence-who" onMouseEnter={() => onHover(true)} onMouseLeave={() => onHover(false)}>
      <span className="presence-label">Here now</span>
      {who.people.length ? (
        <ul className="presence-people">
          {who.people.map((p) => (
            <li key={p.name} className="presence-person">
              <span className="presence-person-name">{p.name}</span>
              <span className={`presence-status is-${p.status}`}>{p.status}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {who.note ? <p className="presence-note">{who.note}</p> : null}
      <p className="presence-hint">{displayName ? `You are ${displayName}. Click to change your name.` : 'Click to set your name, so others see who is here.'}</p>
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
