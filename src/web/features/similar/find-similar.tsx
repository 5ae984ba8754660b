import type { EmbeddingInfo } from '../../../protocol/embeddings.js';
import type { SimilarTo } from '../../lib/url-state.js';
import './similar.css';

export interface FindSimilarProps {
  /** The selected item's path; null: nothing to compare with. */
  path: string | null;
  embeddings: readonly EmbeddingInfo[];
  /** The embedding compared, when there are several. */
  embedding: string;
  onEmbedding: (name: string) => void;
  onFind: (similar: SimilarTo) => void;
}

/** The embedding "Find similar" compares with: the one chosen, else the first. */
export function chosenEmbedding(embeddings: readonly EmbeddingInfo[], chosen: string): string | null {
  return embeddings.find((e) => e.name === chosen)?.name ?? embeddings[0]?.name ?? null;
}

/** "Find similar" (key Shift+S): lists the scope ordered by similarity to the selected item. */
export function FindSimilar({ path, embeddings, embedding, onEmbedding, onFind }: FindSimilarProps) {
  if (embeddings.length === 0) return null;
  const name = chosenEmbedding(embeddings, embedding)!;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a <fieldset> brings borders and a legend the compact toolbar has no room for
    <div className="find-similar" role="group" aria-label="Find similar">
      <button
        type="button"
        className="find-similar-button"
        aria-label="Find similar"
        disabled={path === null}
        onClick={() => path && onFind({ path, embedding: name })}
        title={path ? `Order this folder by similarity to the selected item (Shift+S)` : 'Select an item to find similar ones (Shift+S)'}
      >
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="6" cy="8" r="3.6" fill="none" stroke="currentColor" strokeWidth="1.4" />
          <circle cx="10.5" cy="8" r="3.6" fill="none" stroke="currentColor" strokeWidth="1.4" />
        </svg>
        <span className="find-similar-text">Find similar</span>
      </button>
      {embeddings.length > 1 ? (
        <select className="select find-similar-embedding" value={name} onChange={(e) => onEmbedding(e.target.value)} aria-label="Embedding">
          {embeddings.map((e) => (
            <option key={e.name} value={e.name}>
              {e.name}
            </option>
          ))}
        </select>
      ) : null}
    </div>
  );
}

export interface SimilarBarProps {
  similar: SimilarTo;
  /** Items listed; null while loading. */
  shown: number | null;
  onClear: () => void;
}

/** Above the grid while a similarity list is shown: what it is ordered by, and the way back. */
export function SimilarBar({ similar, shown, onClear }: SimilarBarProps) {
  const name = similar.path.slice(similar.path.lastIndexOf('/') + 1);
  return (
    <div className="similar-bar" role="status" data-testid="similar-bar">
      <span className="similar-bar-text">
        Similar to <strong title={similar.path}>{name}</strong>
        <span className="similar-bar-meta"> · {similar.embedding}{shown !== null ? ` · ${shown.toLocaleString()} most similar` : ''}</span>
      </span>
      <button type="button" className="similar-bar-clear" onClick={onClear}>
        Back to list
      </button>
    </div>
  );
}
