import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { baseName, parentPath } from '../../protocol/paths.js';
import { useHealth } from '../api/queries.js';
import { MAX_GRID_SIZE, MIN_GRID_SIZE, ThumbnailGrid as GridView, type GridMode } from '../features/browse/thumbnail-grid.js';
import { Toolbar as ToolbarView } from '../features/browse/toolbar.js';
import { EMPTY_SELECTION, deselect, selectOnly, selectedCount, selectedIndices, type Selection } from '../features/browse/selection.js';
import { useListing } from '../features/browse/use-listing.js';
import { DuplicatesView } from '../features/duplicates/duplicates-view.js';
import { FolderTree as FolderTreeView } from '../features/folders/folder-tree.js';
import { MyWork as MyWorkView } from '../features/progress/my-work.js';
import { ProgressPanel as ProgressPanelView } from '../features/progress/progress-panel.js';
import { useMyWork } from '../features/progress/use-my-work.js';
import { useProgressLive } from '../hooks/use-progress-live.js';
import { LabelFilterButton } from '../features/inspector/label-filter-bar.js';
import { FilterChips as FilterChipsView } from '../features/metrics/filter-chips.js';
import { gridClauses, type GridFilter } from '../lib/grid-filter.js';
import { formatMetricValue } from '../lib/metric-filter.js';
import { useMetricFields } from '../features/metrics/metrics-api.js';
import { MetricsPanel as MetricsPanelView } from '../features/metrics/metrics-panel.js';
import { useFilterDrift } from '../features/metrics/use-filter-drift.js';
import { useLiveMetrics } from '../features/metrics/use-live-metrics.js';
import { useShownMetrics } from '../features/metrics/use-shown-metrics.js';
import { useOptionalSyncEngine } from '../hooks/sync-context.js';
import { SmartFolders as SmartFoldersView } from '../features/views/smart-folders.js';
import { chosenEmbedding, FindSimilar, SimilarBar } from '../features/similar/find-similar.js';
import { useEmbeddings } from '../features/similar/use-embeddings.js';
import { CompareView } from '../features/viewer/compare-view.js';
import { useViews } from '../features/views/use-views.js';
import { viewMatches, type ViewState } from '../features/views/view-state.js';
import { ImageViewer } from '../features/viewer/image-viewer.js';
import { seekUnlabeled } from '../features/triage/next-unlabeled.js';
import { AutoAdvanceToggle, UnlabeledCount } from '../features/triage/triage-controls.js';
import { TriageKeys } from '../features/triage/triage-keys.js';
import { useUnlabeledCount } from '../features/triage/use-unlabeled-count.js';
import { useCompareItems } from '../features/viewer/use-compare-items.js';
import { fromPaths } from '../features/browse/selection-paths.js';
import { MAX_COMPARE_PATHS, MIN_COMPARE_PATHS } from '../../protocol/comparison.js';
import { useStableCallback } from '../hooks/use-stable-callback.js';
import { useStoredState } from '../hooks/use-stored-state.js';
import { GalleryContext, MAX_SELECTED_ITEMS, type AppSlots, type GallerySnapshot } from '../lib/gallery-context.js';
import { LeftPanel as LeftPanelView, isLeftTab, type LeftTab } from './left-panel.js';
import { useIndexRefresh } from './use-index-refresh.js';
import { useLivingListing } from './use-living-listing.js';
import { NO_LABEL_FILTER } from '../lib/label-filter.js';
import { defaultOrder, sortMetric, type SimilarTo, type UrlState } from '../lib/url-state.js';
import { closeViewer, isViewerEntry, useUrlState } from './use-url-state.js';
import './app.css';

// Originals larger than this are fetched only when actually shown, never speculatively.
const MAX_PREFETCH_BYTES = 40 * 1024 * 1024;

const isMode = (v: unknown): v is GridMode => v === 'justified' || v === 'square';
const isSize = (v: unknown): v is number => typeof v === 'number' && v >= MIN_GRID_SIZE && v <= MAX_GRID_SIZE;
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

// Culling steps through images in the viewer: each step changes the URL, so the shell re-renders.
// These parts skip that render when their props did not change (the shell keeps its props stable:
// URL fields shared across steps, callbacks that keep their identity); what shows the viewed item
// besides the viewer (inspector, My work, "Find similar", the grid's cursor behind the viewer)
// follows in a deferred render, after the next image is painted. See docs/PERFORMANCE.md.
const Toolbar = memo(ToolbarView);
const LeftPanel = memo(LeftPanelView);
const FolderTree = memo(FolderTreeView);
const SmartFolders = memo(SmartFoldersView);
const MyWork = memo(MyWorkView);
const MetricsPanel = memo(MetricsPanelView);
const ProgressPanel = memo(ProgressPanelView);
const FilterChips = memo(FilterChipsView);
const ThumbnailGrid = memo(GridView);

/**
 * The gallery shell: toolbar on top; folder tree, grid (with the viewer over it) and an optional
 * inspector below. `inspector` and `toolbarRight` are the extension slots (see AppSlots).
 */
export function App({ inspector: Inspector, toolbarRight }: AppSlots) {
  const [url, navigate] = useUrlState();
  const health = useHealth();
  const [mode, setMode] = useStoredState<GridMode>('grid-mode', 'justified', isMode);
  const [size, setSize] = useStoredState<number>('grid-size', 180, isSize);
  const searchRef = useRef<HTMLInputElement>(null);

  const [leftTab, setLeftTab] = useStoredState<LeftTab>('left-tab', 'folders', isLeftTab);
  const metricFields = useMetricFields();
  const metricNames = useMemo(() => metricFields.data?.map((f) => f.name) ?? [], [metricFields.data]);
  useLiveMetrics();

  // Filters live in the URL; the listing key carries their POST /query clauses.
  const filter = useMemo<GridFilter>(() => ({ labels: url.labels, metrics: url.metrics, sub: url.sub }), [url.labels, url.metrics, url.sub]);
  // A search while filtering goes through POST /query too (its `text` clause, over the subtree as
  // /search does), so the filters keep applying to the results.
  const searchViaQuery = url.q !== '' && (url.labels.stars.length > 0 || url.labels.flags.length > 0 || url.labels.tags.length > 0 || url.metrics.length > 0);
  const clauses = useMemo(() => {
    const list = gridClauses(filter);
    if (searchViaQuery) list.push({ text: url.q });
    return list;
  }, [filter, searchViaQuery, url.q]);
  const filtersKey = useMemo(() => (clauses.length ? JSON.stringify(clauses) : ''), [clauses]);
  const setFilter = useCallback((f: GridFilter) => navigate({ labels: f.labels, metrics: f.metrics, sub: f.sub, view: null }, { replace: true }), [navigate]);
  const [shownMetrics, setShownMetrics] = useShownMetrics(url.metrics);
  const viewState = useMemo<ViewState>(
    () => ({ path: url.path, sort: url.sort, order: url.order, seed: url.seed, labels: url.labels, metrics: url.metrics, sub: url.sub, similar: url.similar, shownMetrics }),
    [url.path, url.sort, url.order, url.seed, url.labels, url.metrics, url.sub, url.similar, shownMetrics],
  );
  const openView = useCallback(
    ({ shownMetrics: cards, ...s }: ViewState) => {
      navigate({ ...s, view: null, q: '' });
      if (cards) setShownMetrics([...cards]);
    },
    [navigate, setShownMetrics],
  );

  // "Find similar": the same scope and filters, ordered by similarity (a search is left behind).
  const similarKey = url.similar ? JSON.stringify({ path: url.similar.path, embedding: url.similar.embedding }) : undefined;
  const listingKey = useMemo(
    () => ({ path: url.path, sort: url.sort, order: url.order, seed: url.seed, filters: filtersKey, recursive: url.sub || searchViaQuery, similar: similarKey }),
    [url.path, url.sort, url.order, url.seed, filtersKey, url.sub, searchViaQuery, similarKey],
  );
  const listing = useListing(listingKey, searchViaQuery || similarKey ? '' : url.q);
  const embeddings = useEmbeddings();
  const embeddingNames = useMemo(() => embeddings.map((e) => e.name), [embeddings]);
  const [embeddingChoice, setEmbeddingChoice] = useStoredState<string>('similar-embedding', '', (v): v is string => typeof v === 'string');
  const findSimilar = useCallback((similar: SimilarTo) => navigate({ similar, view: null, q: '' }), [navigate]);
  useIndexRefresh(health, listing.indexing);
  const drift = useFilterDrift({ listing: listingKey, key: listing.key, clauses, total: listing.total, getItem: listing.getItem });

  // Selection is per list: a different folder, sort or search starts empty.
  const [selectionState, setSelectionState] = useState<{ key: string; selection: Selection }>({ key: listing.key, selection: EMPTY_SELECTION });
  const selection = selectionState.key === listing.key ? selectionState.selection : EMPTY_SELECTION;
  const replaceSelection = useCallback((s: Selection) => setSelectionState({ key: listing.key, selection: s }), [listing.key]);
  // An edit answered 404 (the item is gone): the error matrix drops it from the selection; the
  // "Item missing" warning stays in the toolbar.
  const engine = useOptionalSyncEngine();
  // Files moved, added or removed on disk: selection and viewer stay on the same files.
  const living = useLivingListing({ engine, listing, selection, replaceSelection, view: url.view, navigate });
  const { release: releaseFollow } = living;
  const setSelection = useCallback(
    (s: Selection) => {
      releaseFollow();
      replaceSelection(s);
    },
    [releaseFollow, replaceSelection],
  );
  useEffect(
    () =>
      engine?.onItemMissing((path) => {
        const index = listing.indexOf(path);
        if (index < 0) return;
        setSelectionState((s) => (s.key === listing.key ? { key: s.key, selection: deselect(s.selection, index) } : s));
      }),
    [engine, listing],
  );

  const rootName = health.data?.name || 'Library';
  useEffect(() => {
    const scope = url.path === '/' ? rootName : url.path;
    document.title = `${scope} · Lenslet`;
  }, [url.path, rootName]);

  const openFolder = useCallback((path: string) => navigate({ path, view: null, q: '', similar: null }), [navigate]);
  const findSimilarAt = useCallback(
    (index: number) => {
      const item = listing.getItem(index);
      const embedding = chosenEmbedding(embeddings, embeddingChoice);
      if (item && embedding) findSimilar({ path: item.path, embedding });
    },
    [listing, embeddings, embeddingChoice, findSimilar],
  );
  const onQuery = useCallback((q: string) => navigate({ q, view: null }, { replace: true }), [navigate]);
  const onSort = useCallback(
    (sort: UrlState['sort']) => navigate({ sort, order: defaultOrder(sort), seed: sort === 'random' ? newSeed() : url.seed, similar: null }, { replace: true }),
    [navigate, url.seed],
  );
  const onToggleOrder = useCallback(() => navigate({ order: url.order === 'asc' ? 'desc' : 'asc' }, { replace: true }), [navigate, url.order]);
  const onShuffle = useCallback(() => navigate({ seed: newSeed() }, { replace: true }), [navigate]);
  const onLabels = useCallback((labels: GridFilter['labels']) => setFilter({ ...filter, labels }), [setFilter, filter]);
  const onRecursive = useCallback((sub: boolean) => setFilter({ ...filter, sub }), [setFilter, filter]);
  const onRanges = useCallback((metrics: GridFilter['metrics']) => setFilter({ ...filter, metrics }), [setFilter, filter]);
  const labelClauses = useMemo(() => gridClauses({ labels: url.labels, metrics: [] }), [url.labels]);
  const progressClauses = useMemo(() => gridClauses({ labels: url.labels, metrics: url.metrics }), [url.labels, url.metrics]);
  // An item from my work or the activity feed: in the viewer, over its folder. The filters on
  // screen stay when it is in this list already, else they go (they might hide it). Stepping
  // from one item to the next replaces the viewer entry: Back still closes the viewer.
  const openItem = useStableCallback((path: string) => {
    const here = listing.indexOf(path) >= 0;
    const folder = here ? {} : { path: parentPath(path), q: '', labels: NO_LABEL_FILTER, metrics: [], sub: false };
    navigate({ ...folder, view: path }, { viewer: true, replace: url.view !== null });
  });
  const progressFeed = useProgressLive();
  const myWork = useMyWork();
  const { views } = useViews();
  const activeView = useMemo(() => {
    const view = views.find((v) => viewMatches(v, viewState));
    return view ? { id: view.id, name: view.name } : null;
  }, [views, viewState]);
  const openIndex = useCallback(
    (index: number) => {
      const item = listing.getItem(index);
      if (!item) return;
      setSelection(selectOnly(index));
      navigate({ view: item.path }, { viewer: true });
    },
    [listing, navigate, setSelection],
  );

  // Viewer: its item and position come from the listing once the item's window is loaded.
  const viewIndex = url.view ? listing.indexOf(url.view) : -1;
  const viewItem = viewIndex >= 0 ? listing.getItem(viewIndex) : undefined;
  // A deep link to an item beyond the loaded windows asks the server which window holds it.
  const located = useRef<string | null>(null);
  const headLoaded = listing.total > 0;
  useEffect(() => {
    if (!url.view || viewIndex >= 0 || !headLoaded) return;
    const attempt = `${listing.key}\n${url.view}`;
    if (located.current === attempt) return;
    located.current = attempt;
    listing.locate(url.view);
  }, [url.view, viewIndex, headLoaded, listing]);
  const showInViewer = useCallback(
    (index: number, path: string) => {
      setSelection(selectOnly(index));
      // Stepping replaces the entry: Back closes the viewer rather than walking every image.
      navigate({ view: path }, { replace: true, viewer: isViewerEntry(), afterPaint: true });
    },
    [navigate, setSelection],
  );
  // A step onto an item whose window is still loading completes once it arrives.
  const [pendingStep, setPendingStep] = useState<{ key: string; index: number } | null>(null);
  const step = useCallback(
    (delta: number) => {
      if (viewIndex < 0) return;
      const next = Math.min(listing.total - 1, Math.max(0, viewIndex + delta));
      if (next === viewIndex) return;
      const item = listing.getItem(next);
      if (item) return showInViewer(next, item.path);
      listing.ensureIndex(next);
      setPendingStep({ key: listing.key, index: next });
    },
    [viewIndex, listing, showInViewer],
  );
  useEffect(() => {
    if (!pendingStep) return;
    if (pendingStep.key !== listing.key || !url.view) return setPendingStep(null);
    const item = listing.getItem(pendingStep.index);
    if (!item) return;
    setPendingStep(null);
    showInViewer(pendingStep.index, item.path);
  }, [pendingStep, listing, url.view, showInViewer]);
  useEffect(() => {
    // Keep ±2 neighbours' windows loaded while the viewer is open.
    if (viewIndex >= 0) {
      if (viewIndex + 2 < listing.total && !listing.getItem(viewIndex + 2)) listing.ensureIndex(viewIndex + 2);
      else if (viewIndex - 2 >= 0 && !listing.getItem(viewIndex - 2)) listing.ensureIndex(viewIndex - 2);
    }
  }, [viewIndex, listing]);
  const neighbours = useMemo(() => {
    const out: string[] = [];
    if (viewIndex < 0) return out;
    for (const d of [1, -1, 2, -2]) {
      const item = listing.getItem(viewIndex + d);
      if (item && item.size <= MAX_PREFETCH_BYTES) out.push(item.path);
    }
    return out;
  }, [viewIndex, listing]);
  const closeView = useCallback(() => closeViewer(navigate), [navigate]);

  // Compare view: the compared paths live in the URL; the focused pane is what label keys rate.
  const comparing = url.compare.length >= MIN_COMPARE_PATHS;
  const compareItems = useCompareItems(url.compare);
  const compareKey = url.compare.join('\n');
  const [compareFocusState, setCompareFocusState] = useState({ key: compareKey, index: 0 });
  const compareFocus = compareFocusState.key === compareKey ? Math.min(compareFocusState.index, url.compare.length - 1) : 0;
  const setCompareFocus = useCallback((index: number) => setCompareFocusState({ key: compareKey, index }), [compareKey]);
  const closeCompare = useCallback(() => {
    // Back to the grid with the same selection; after a reload (no selection yet), the compared items.
    if (selectedCount(selection) === 0) {
      const focusPath = url.compare[compareFocus] ?? null;
      replaceSelection(fromPaths({ paths: url.compare, focus: focusPath, anchor: url.compare[0] ?? null }, listing.indexOf));
    }
    closeViewer(navigate, { compare: [], wipe: false });
  }, [selection, url.compare, compareFocus, replaceSelection, listing.indexOf, navigate]);

  const comparedItem = comparing ? (compareItems[compareFocus]?.item ?? null) : null;
  // Culling (issue 12): auto-advance after a star or flag key, and N to the next unlabeled item.
  const [autoAdvance, setAutoAdvance] = useStoredState<boolean>('auto-advance', false, isBoolean);
  const unlabeled = useUnlabeledCount(listingKey);
  const advance = useStableCallback(() => {
    // In the compare view the next pane takes the focus; the grid's selection stays as it was.
    if (comparing) return setCompareFocus(Math.min(compareFocus + 1, url.compare.length - 1));
    if (url.view) return step(1);
    const next = selection.focus + 1;
    if (selection.focus >= 0 && next < listing.total) setSelection(selectOnly(next));
  });
  // A seek for the next unlabeled item goes on as the windows it has to read arrive.
  const [seek, setSeek] = useState<{ key: string; from: number } | null>(null);
  // While My work is open and has items, N follows it (issue 14), across folders.
  const { open: workOpen, total: workLeft, next: nextInWork } = myWork;
  const nextUnlabeled = useStableCallback(() => {
    // The compare view shows the items it was opened with: N has nothing to move there.
    if (comparing) return;
    if (workOpen && workLeft > 0) {
      const next = nextInWork(url.view);
      if (next) openItem(next);
      return;
    }
    setSeek({ key: listing.key, from: url.view ? viewIndex : selection.focus });
  });
  useEffect(() => {
    if (!seek) return;
    if (seek.key !== listing.key) return setSeek(null);
    const found = seekUnlabeled(seek.from, listing.total, listing.getItem);
    if (found.kind === 'load') return listing.ensureIndex(found.index);
    setSeek(null);
    if (found.kind === 'none') return;
    const item = listing.getItem(found.index);
    if (url.view && item) showInViewer(found.index, item.path);
    else setSelection(selectOnly(found.index));
  }, [seek, listing, url.view, showInViewer, setSelection]);

  const gallery = useMemo<GallerySnapshot>(() => {
    const indices = selectedIndices(selection, MAX_SELECTED_ITEMS);
    const selectedItems = indices.map((i) => listing.getItem(i)).filter((item) => item !== undefined);
    const focusedItem = comparing ? comparedItem : (viewItem ?? (selection.focus >= 0 ? (listing.getItem(selection.focus) ?? null) : null));
    return {
      folder: url.path,
      query: url.q,
      selectedCount: selectedCount(selection),
      selectedItems,
      selectedPaths: selectedItems.map((item) => item.path),
      focusedItem,
      viewerPath: comparing ? (url.compare[compareFocus] ?? null) : url.view,
      comparing,
    };
  }, [selection, listing, viewItem, url.path, url.q, url.view, comparing, comparedItem, url.compare, compareFocus]);
  const canCompare = gallery.selectedCount >= MIN_COMPARE_PATHS && gallery.selectedCount <= MAX_COMPARE_PATHS && gallery.selectedPaths.length === gallery.selectedCount;
  const openCompare = useStableCallback(() => {
    if (!canCompare) return;
    setCompareFocusState({ key: gallery.selectedPaths.join('\n'), index: 0 });
    navigate({ compare: gallery.selectedPaths, view: null }, { viewer: true });
  });

  // A moment behind the step (a deferred render, after the paint): what shows the viewed item
  // besides the viewer. Behind the viewer the grid's cursor follows the same way; in the grid
  // it moves at once (the grid's keys read it).
  const later = useDeferredValue(gallery);
  const laterView = useDeferredValue(url.view);
  const laterSelection = useDeferredValue(selection);
  const covered = url.view !== null || comparing;
  const inspector = useMemo(() => (Inspector ? <Inspector {...later} /> : null), [Inspector, later]);
  const triage = useMemo(() => <AutoAdvanceToggle on={autoAdvance} onChange={setAutoAdvance} />, [autoAdvance, setAutoAdvance]);
  const countExtra = useMemo(() => <UnlabeledCount count={unlabeled} onNext={nextUnlabeled} />, [unlabeled, nextUnlabeled]);
  const labelFilter = useMemo(() => <LabelFilterButton value={url.labels} onChange={onLabels} />, [url.labels, onLabels]);
  const similarPath = later.focusedItem?.path ?? null;
  const similar = useMemo(
    () => <FindSimilar path={similarPath} embeddings={embeddings} embedding={embeddingChoice} onEmbedding={setEmbeddingChoice} onFind={findSimilar} />,
    [similarPath, embeddings, embeddingChoice, setEmbeddingChoice, findSimilar],
  );
  const rootCount = health.data?.items ?? 0;
  const folders = useMemo(
    () => (
      <>
        <MyWork work={myWork} current={laterView} onOpenItem={openItem} />
        <FolderTree rootName={rootName} rootCount={rootCount} current={url.path} onOpen={openFolder} />
        <SmartFolders current={viewState} onOpen={openView} />
      </>
    ),
    [myWork, laterView, openItem, rootName, rootCount, url.path, openFolder, viewState, openView],
  );
  const metrics = useMemo(
    () => (
      <MetricsPanel
        path={url.path}
        recursive={url.sub}
        onRecursive={onRecursive}
        labelFilters={labelClauses}
        ranges={url.metrics}
        onRanges={onRanges}
        shown={shownMetrics}
        onShown={setShownMetrics}
      />
    ),
    [url.path, url.sub, onRecursive, labelClauses, url.metrics, onRanges, shownMetrics, setShownMetrics],
  );
  const scopeName = url.path === '/' ? rootName : baseName(url.path);
  const progress = useMemo(
    () => (
      <ProgressPanel path={url.path} scopeName={scopeName} filters={progressClauses} recursive={url.sub} view={activeView} feed={progressFeed} onOpenItem={openItem} />
    ),
    [url.path, scopeName, progressClauses, url.sub, activeView, progressFeed, openItem],
  );
  const onParent = useCallback(() => url.path !== '/' && openFolder(parentPath(url.path)), [url.path, openFolder]);
  const onFocusSearch = useCallback(() => searchRef.current?.focus(), []);
  const clearSimilar = useCallback(() => navigate({ similar: null, view: null }), [navigate]);

  return (
    <GalleryContext.Provider value={gallery}>
      <TriageKeys autoAdvance={autoAdvance} onAdvance={advance} onNextUnlabeled={nextUnlabeled} />
      <div className={`app${Inspector ? ' has-inspector' : ''}`}>
        <Toolbar
          rootName={rootName}
          path={url.path}
          onNavigate={openFolder}
          query={url.q}
          onQuery={onQuery}
          searchRef={searchRef}
          count={listing.isLoading || listing.error ? null : listing.total}
          matches={listing.matches}
          selectedCount={gallery.selectedCount}
          indexing={health.data?.indexing}
          sort={url.sort}
          order={url.order}
          onSort={onSort}
          onToggleOrder={onToggleOrder}
          onShuffle={onShuffle}
          mode={mode}
          onMode={setMode}
          size={size}
          onSize={setSize}
          right={toolbarRight}
          metricNames={metricNames}
          triage={triage}
          countExtra={countExtra}
          filter={labelFilter}
          canCompare={canCompare}
          onCompare={openCompare}
          similar={similar}
        />
        <aside className="panel panel-left" aria-label="Folders and metrics">
          <LeftPanel
            tab={leftTab}
            onTab={setLeftTab}
            metricFilters={url.metrics.length}
            folders={folders}
            metrics={metrics}
            progress={progress}
          />
        </aside>
        <main className="stage">
          {leftTab === 'duplicates' ? <DuplicatesView path={url.path} embeddings={embeddingNames} /> : null}
          {leftTab === 'duplicates' ? null : (
          <>
            {url.similar ? (
              <SimilarBar
                similar={url.similar}
                shown={listing.isLoading || listing.error ? null : listing.total}
                onClear={clearSimilar}
              />
            ) : null}
            <FilterChips
              value={filter}
              onChange={setFilter}
              shown={listing.isLoading || listing.error ? null : listing.total}
              of={listing.unfilteredTotal}
              offFilter={drift.offFilter}
              onRefresh={drift.refresh}
            />
            <ThumbnailGrid
              listing={listing}
              mode={mode}
              size={size}
              selection={covered ? laterSelection : selection}
              onSelectionChange={setSelection}
              onOpen={openIndex}
              onOpenFolder={openFolder}
              onParent={onParent}
              onFocusSearch={onFocusSearch}
              keyboard={!covered}
              onCompare={openCompare}
              onSizeChange={setSize}
              badgeMetric={url.q && !searchViaQuery ? null : sortMetric(url.sort)}
              formatMetric={formatMetricValue}
              onFindSimilar={findSimilarAt}
            />
          </>
          )}
          {comparing ? (
            <CompareView
              paths={url.compare}
              items={compareItems}
              focus={compareFocus}
              onFocus={setCompareFocus}
              wipe={url.wipe}
              onWipe={(wipe) => navigate({ wipe }, { replace: true, viewer: isViewerEntry() })}
              onClose={closeCompare}
            />
          ) : url.view ? (
            <ImageViewer
              path={url.view}
              item={viewItem}
              index={viewIndex}
              total={listing.total}
              neighbours={neighbours}
              onClose={closeView}
              onStep={step}
              removed={living.viewRemoved}
            />
          ) : null}
        </main>
        {inspector ? (
          <aside className="panel panel-right" aria-label="Inspector">
            {inspector}
          </aside>
        ) : null}
      </div>
    </GalleryContext.Provider>
  );
}

function newSeed(): number {
  return 1 + Math.floor(Math.random() * 2_000_000_000);
}
