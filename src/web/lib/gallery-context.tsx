import { createContext, useContext, type ComponentType, type ReactNode } from 'react';
import type { Item } from '../../protocol/items.js';

/**
 * What the rest of the app (the inspector, sync indicators) may know about the gallery: the
 * current folder and the selection. Items come from the query cache, so they update in place
 * when `patchItemInCache` applies a server event.
 */
export interface GallerySnapshot {
  /** Current folder, canonical. */
  folder: string;
  /** Active search, or '' when browsing. */
  query: string;
  /** How many items are selected (can exceed `selectedItems.length` after Ctrl+A on a big folder). */
  selectedCount: number;
  /** Selected items that are loaded, in listing order (at most MAX_SELECTED_ITEMS). */
  selectedItems: Item[];
  selectedPaths: string[];
  /** The item under the keyboard cursor, or the one open in the viewer. */
  focusedItem: Item | null;
  /** Path open in the viewer, or focused in the compare view, or null. */
  viewerPath: string | null;
  /** The compare view is open (its `1` key fits the panes rather than rating). */
  comparing: boolean;
}

export const MAX_SELECTED_ITEMS = 2000;

export const EMPTY_GALLERY: GallerySnapshot = {
  folder: '/',
  query: '',
  selectedCount: 0,
  selectedItems: [],
  selectedPaths: [],
  focusedItem: null,
  viewerPath: null,
  comparing: false,
};

export const GalleryContext = createContext<GallerySnapshot>(EMPTY_GALLERY);

/** The current folder and selection, for components mounted in the app's slots. */
export function useGallery(): GallerySnapshot {
  return useContext(GalleryContext);
}

/** Props an inspector component receives (the same snapshot `useGallery()` returns). */
export type InspectorProps = GallerySnapshot;

/**
 * Extension points, passed to `<App>`: an inspector for the right-hand panel (rendered for the
 * current selection) and extra toolbar content on the right (sync and presence indicators).
 */
export interface AppSlots {
  inspector?: ComponentType<InspectorProps>;
  toolbarRight?: ReactNode;
}
