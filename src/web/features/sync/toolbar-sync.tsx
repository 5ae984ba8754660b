import { useEffect } from 'react';
import { useCan } from '../../api/auth-api.js';
import { useGallery } from '../../lib/gallery-context.js';
import { ratingFromKey, ratingTargets } from '../../lib/label-keys.js';
import { PresenceIndicator } from './presence-indicator.js';
import { SyncBanners } from './sync-banners.js';
import { SyncIndicator } from './sync-indicator.js';
import { useLabelActions, useSyncEngine } from '../../hooks/sync-context.js';
import './sync.css';

/**
 * Everything sync puts in the toolbar's right slot: presence, the save/connection indicator, and
 * (rendering nothing) the folder → presence bridge, the 0–5 rating keys and the banners.
 */
export function ToolbarSync() {
  return (
    <div className="toolbar-sync">
      <GalleryBridge />
      <RatingKeys />
      <PresenceIndicator />
      <SyncIndicator />
      <SyncBanners />
    </div>
  );
}

function GalleryBridge() {
  const engine = useSyncEngine();
  const { folder } = useGallery();
  useEffect(() => engine.setGallery(folder), [engine, folder]);
  return null;
}

function RatingKeys() {
  const { viewerPath, selectedPaths } = useGallery();
  const actions = useLabelActions();
  const canLabel = useCan().label;
  useEffect(() => {
    // A viewer's 0–5 keys do nothing here (in the viewer, 0 keeps meaning "zoom to fit").
    if (!canLabel) return;
    const onKey = (e: KeyboardEvent) => {
      const star = ratingFromKey(e, e.target as HTMLElement | null);
      if (star === undefined) return;
      const targets = ratingTargets(viewerPath, selectedPaths);
      if (!targets.length) return;
      // Capture phase: in the viewer, 0 means "clear the rating" here, not "zoom to fit".
      e.preventDefault();
      e.stopPropagation();
      actions.setStar(targets, star);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [viewerPath, selectedPaths, actions, canLabel]);
  return null;
}
