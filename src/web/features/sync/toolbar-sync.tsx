import { useEffect } from 'react';
import { useGallery } from '../../lib/gallery-context.js';
import { PresenceIndicator } from './presence-indicator.js';
import { SyncBanners } from './sync-banners.js';
import { SyncIndicator } from './sync-indicator.js';
import { UndoControls } from './undo-controls.js';
import { useSyncEngine } from '../../hooks/sync-context.js';
import './sync.css';

/**
 * Everything sync puts in the toolbar's right slot: undo/redo, presence, the save/connection
 * indicator, and (rendering nothing) the folder → presence bridge and the banners. The label keys
 * are the culling feature's (features/triage).
 */
export function ToolbarSync() {
  return (
    <div className="toolbar-sync">
      <GalleryBridge />
      <UndoControls />
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
