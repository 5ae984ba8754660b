import { useEffect } from 'react';
import { useCan } from '../../api/auth-api.js';
import { formatNumber } from '../../components/format.js';
import { useSyncEngine, useSyncStatus, useUndoState } from '../../hooks/sync-context.js';
import { undoKeyAction } from '../../lib/keymap.js';

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = IS_MAC ? '⌘' : 'Ctrl+';

const items = (n: number) => (n > 1 ? ` (${formatNumber(n)} items)` : '');

/**
 * Toolbar "Undo" and "Redo" for this tab's label changes, and their keys (`Ctrl/Cmd+Z`,
 * `Ctrl/Cmd+Shift+Z`), in the grid and in the viewer. Each step is a new versioned write.
 */
export function UndoControls() {
  const engine = useSyncEngine();
  const undo = useUndoState();
  const canLabel = useCan().label;
  const denied = useSyncStatus().status === 'denied';
  const enabled = canLabel && !denied;

  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const action = undoKeyAction(e, e.target as HTMLElement | null);
      if (!action) return;
      e.preventDefault();
      void (action === 'undo' ? engine.undo.undo() : engine.undo.redo());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [engine, enabled]);

  if (!canLabel) return null;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a <fieldset> brings borders and a legend the compact toolbar has no room for
    <div className="undo-controls" role="group" aria-label="Undo and redo label changes">
      <button
        type="button"
        className="icon-button"
        aria-label="Undo"
        title={undo.canUndo ? `Undo my last label change${items(undo.undoCount)} (${MOD}Z)` : 'Nothing to undo'}
        disabled={!enabled || !undo.canUndo}
        onClick={() => void engine.undo.undo()}
        data-testid="undo"
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M5.5 3.5 2.5 6.5l3 3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
          <path d="M3 6.5h6.5a3.5 3.5 0 0 1 0 7H7" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Redo"
        title={undo.canRedo ? `Redo${items(undo.redoCount)} (${MOD}${IS_MAC ? '⇧Z' : 'Shift+Z'})` : 'Nothing to redo'}
        disabled={!enabled || !undo.canRedo}
        onClick={() => void engine.undo.redo()}
        data-testid="redo"
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M10.5 3.5l3 3-3 3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
          <path d="M13 6.5H6.5a3.5 3.5 0 0 0 0 7H9" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </button>
    </div>
  );
}
