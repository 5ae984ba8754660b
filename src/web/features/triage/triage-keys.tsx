import { useEffect } from 'react';
import { useCan } from '../../api/auth-api.js';
import { useOptionalSyncEngine } from '../../hooks/sync-context.js';
import { useGallery } from '../../lib/gallery-context.js';
import { flagFromKey, isNextUnlabeledKey, ratingFromKey, ratingTargets } from '../../lib/label-keys.js';

export interface TriageKeysProps {
  /** After a star or flag key, move on (the grid's cursor, or the viewer's next image). */
  autoAdvance: boolean;
  onAdvance: () => void;
  onNextUnlabeled: () => void;
}

/**
 * The culling keys, in the grid and the viewer alike: 0–5 rate, P picks, X rejects, U clears the
 * flag (the item in the viewer, else the selection: several items go out as one batch), N jumps to
 * the next item with neither. Renders nothing.
 */
export function TriageKeys({ autoAdvance, onAdvance, onNextUnlabeled }: TriageKeysProps) {
  const { viewerPath, selectedPaths, comparing } = useGallery();
  const engine = useOptionalSyncEngine();
  const canLabel = useCan().label;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (isNextUnlabeledKey(e, target)) {
        e.preventDefault();
        onNextUnlabeled();
        return;
      }
      // A viewer's label keys do nothing (in the viewer, 0 keeps meaning "zoom to fit").
      if (!engine || !canLabel) return;
      const star = ratingFromKey(e, target, comparing);
      const flag = star === undefined ? flagFromKey(e, target) : undefined;
      if (star === undefined && flag === undefined) return;
      const targets = ratingTargets(viewerPath, selectedPaths);
      if (!targets.length) return;
      // Capture phase: in the viewer, 0 means "clear the rating" here, not "zoom to fit".
      e.preventDefault();
      e.stopPropagation();
      const queued = engine.edit(targets, star !== undefined ? { set_star: star } : { set_flag: flag ?? null });
      if (queued && autoAdvance) onAdvance();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [viewerPath, selectedPaths, comparing, engine, canLabel, autoAdvance, onAdvance, onNextUnlabeled]);
  return null;
}
