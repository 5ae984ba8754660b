import { useEffect, useMemo, type ReactNode } from 'react';
import { baseName, parentPath } from '../../../protocol/paths.js';
import type { Item } from '../../../protocol/items.js';
import type { InspectorProps } from '../../lib/gallery-context.js';
import { useCan } from '../../api/auth-api.js';
import { formatBytes, formatNumber } from '../../components/format.js';
import { useItemSyncState, useLabelActions, useSyncEngine, useSyncStatus } from '../../hooks/sync-context.js';
import { useClaims } from '../../hooks/use-claims.js';
import { claimText } from '../../lib/claims.js';
import { ConflictBanner } from './conflict-banner.js';
import { ExportButtons } from './export-buttons.js';
import { FlagButtons } from './flag-buttons.js';
import { useDatasetTags } from './inspector-api.js';
import { ItemHistory } from './item-history.js';
import { MetadataView } from './metadata-view.js';
import { NotesEditor } from './notes-editor.js';
import { SaveState } from './save-state.js';
import { summarize } from './selection-summary.js';
import { StarRating } from './star-rating.js';
import { TagEditor } from './tag-editor.js';
import './inspector.css';

/** The right-hand panel: labels, metadata and history of the selection (or the item in the viewer). */
export function InspectorPanel(props: InspectorProps) {
  const { selectedItems, selectedCount, focusedItem, viewerPath, folder } = props;
  // The item in the viewer, else the one selected item; the keyboard cursor alone (after Esc
  // cleared the selection) is not a selection.
  let single: Item | null = null;
  if (viewerPath && focusedItem?.path === viewerPath) single = focusedItem;
  else if (selectedCount === 1) single = selectedItems[0] ?? null;
  const canLabel = useCan().label;

  return (
    <div className="inspector" data-testid="inspector">
      {single ? (
        <SingleItem item={single} />
      ) : selectedCount > 1 ? (
        <MultiItems items={selectedItems} count={selectedCount} />
      ) : (
        <div className="inspector-empty">
          <p className="inspector-empty-title">Nothing selected</p>
          <p className="muted small">
            {canLabel ? 'Select an image to rate, tag and annotate it. Keys 1–5 rate, 0 clears; P picks, X rejects, U clears the flag.' : 'Select an image to see its labels, details and history.'}
          </p>
        </div>
      )}
      <Section title="Export">
        <ExportButtons folder={folder} paths={single ? [single.path] : selectedItems.map((i) => i.path)} />
      </Section>
    </div>
  );
}

function Section({ title, aside, children }: { title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section className="section">
      <header className="section-head">
        <h3 className="section-title">{title}</h3>
        {aside}
      </header>
      {children}
    </section>
  );
}

/** Viewers see labels but may not change them: said once, beside the Labels heading. */
function ViewOnly() {
  return (
    <span className="view-only" data-testid="view-only" title="Your role may look and export, not change labels">
      <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
        <path d="M8 3C4.4 3 1.7 5.4 1 8c.7 2.6 3.4 5 7 5s6.3-2.4 7-5c-.7-2.6-3.4-5-7-5zm0 8a3 3 0 1 1 0-6 3 3 0 0 1 0 6z" fill="currentColor" />
      </svg>
      View only
    </span>
  );
}

function SingleItem({ item }: { item: Item }) {
  const engine = useSyncEngine();
  const actions = useLabelActions();
  const sync = useSyncStatus();
  const state = useItemSyncState(item.path);
  const known = useDatasetTags();
  const readOnly = !useCan().label;
  const denied = sync.status === 'denied' || readOnly;
  const conflict = state?.status === 'conflict' ? state : null;
  const fields = conflict?.fields ?? [];
  const paths = [item.path];
  // A soft claim: others in this folder see "<me> is on this item" while it is open here.
  useEffect(() => {
    engine.setOpenItem(item.path);
    return () => engine.setOpenItem(null);
  }, [engine, item.path]);
  const others = useClaims().get(item.path);
  return (
    <>
      <header className="inspector-head">
        <h2 className="inspector-name" title={item.path}>
          {baseName(item.path)}
        </h2>
        <div className="muted small inspector-folder">{parentPath(item.path)}</div>
        {others ? (
          <p className="inspector-claim" role="status" data-testid="item-claim">
            <span className="inspector-claim-dot" aria-hidden="true" />
            {claimText(others)}
          </p>
        ) : null}
      </header>
      <Section
        title="Labels"
        aside={
          readOnly ? (
            <ViewOnly />
          ) : (
            <SaveState state={state} global={sync.status} onRetry={() => engine.queue.retryNow()} onDiscard={() => engine.queue.discard(item.path)} />
          )
        }
      >
        {conflict ? (
          <ConflictBanner
            fields={fields}
            current={conflict.current}
            mine={conflict.mine}
            onApplyMine={() => engine.queue.applyMine(item.path)}
            onKeepTheirs={() => engine.queue.keepTheirs(item.path)}
          />
        ) : null}
        <div className="field">
          <StarRating value={item.star} disabled={denied} conflict={fields.includes('star')} onChange={(star) => actions.setStar(paths, star)} />
        </div>
        <div className="field">
          <FlagButtons value={item.flag ?? null} disabled={denied} conflict={fields.includes('flag')} onChange={(flag) => actions.setFlag(paths, flag)} />
        </div>
        <div className="field">
          <TagEditor
            tags={item.tags.map((tag) => ({ tag }))}
            known={known.tags}
            disabled={denied}
            readOnly={readOnly}
            conflict={fields.includes('tags')}
            onFocus={known.refresh}
            onAdd={(tag) => actions.addTag(paths, tag) && known.remember(tag)}
            onRemove={(tag) => actions.removeTag(paths, tag)}
          />
        </div>
        <div className="field">
          <NotesEditor
            path={item.path}
            value={item.notes}
            disabled={denied}
            readOnly={readOnly}
            conflict={fields.includes('notes')}
            onSave={(path, notes) => actions.setNotes([path], notes)}
          />
        </div>
      </Section>
      <Section title="Details">
        <MetadataView item={item} />
      </Section>
      <Section title="History">
        <ItemHistory
          path={item.path}
          version={item.version}
          current={{ star: item.star, flag: item.flag, tags: item.tags, notes: item.notes }}
          onRestore={denied ? undefined : (labels) => engine.undo.restore(item.path, labels)}
        />
      </Section>
    </>
  );
}

function MultiItems({ items, count }: { items: Item[]; count: number }) {
  const actions = useLabelActions();
  const sync = useSyncStatus();
  const known = useDatasetTags();
  const summary = useMemo(() => summarize(items), [items]);
  const paths = useMemo(() => items.map((i) => i.path), [items]);
  const readOnly = !useCan().label;
  const denied = sync.status === 'denied' || readOnly;
  const saving = paths.filter((p) => {
    const s = sync.items.get(p)?.status;
    return s === 'saving' || s === 'retrying';
  }).length;
  const conflicts = paths.filter((p) => sync.items.get(p)?.status === 'conflict').length;
  return (
    <>
      <header className="inspector-head">
        <h2 className="inspector-name">{formatNumber(count)} items selected</h2>
        <div className="muted small">
          {formatBytes(summary.totalSize)}
          {items.length < count ? ` · edits apply to the ${formatNumber(items.length)} loaded` : ''}
        </div>
      </header>
      <Section
        title="Labels"
        aside={
          readOnly ? (
            <ViewOnly />
          ) : conflicts ? (
            <span className="save-state is-conflict">{conflicts} need a choice</span>
          ) : saving ? (
            <span className="save-state is-saving">
              <span className="save-spinner" aria-hidden="true" />
              Saving…
            </span>
          ) : null
        }
      >
        <div className="field">
          <StarRating value={summary.star} disabled={denied} onChange={(star) => actions.setStar(paths, star)} />
        </div>
        <div className="field">
          <FlagButtons value={summary.flag} disabled={denied} onChange={(flag) => actions.setFlag(paths, flag)} />
        </div>
        <div className="field">
          <TagEditor
            tags={summary.tags}
            of={items.length}
            known={known.tags}
            disabled={denied}
            readOnly={readOnly}
            onFocus={known.refresh}
            onAdd={(tag) => actions.addTag(paths, tag) && known.remember(tag)}
            onRemove={(tag) => actions.removeTag(paths, tag)}
          />
        </div>
        {readOnly ? null : <p className="muted small">Notes are edited one item at a time.</p>}
      </Section>
    </>
  );
}
