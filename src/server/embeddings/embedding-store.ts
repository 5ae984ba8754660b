/**
 * Where vectors attached with `PUT /embeddings` are kept (EM5, EM8): a workspace SQLite file
 * (sqlite-embedding-store.ts) or PostgreSQL shared by every server of the dataset
 * (pg-embedding-store.ts). Both keep one unit vector per (embedding, path) as float32 bytes, and
 * both answer in the order vectors were first stored, so slots (and the index keys over them) stay
 * put across restarts. The contract suite (embedding-store.contract.ts) holds them to that.
 */
export interface StoredVector {
  path: string;
  /** `dim` unit-length floats. */
  vector: Float32Array;
}

export interface EmbeddingChanges {
  /** Vectors written since the cursor, by embedding, in the order they were written. */
  embeddings: { name: string; dim: number; vectors: StoredVector[] }[];
  /** Past every change returned: the next `changesSince` starts here. */
  cursor: number;
}

export interface EmbeddingStore {
  /** Where the vectors live, for log lines. */
  readonly location: string;
  /** The position of the last change: read it before loading, then catch up from it. */
  cursor(): Promise<number>;
  embeddings(): Promise<{ name: string; dim: number }[]>;
  /** An embedding's vectors in the order they were first stored (an overwrite keeps its place). */
  vectors(name: string): AsyncIterable<StoredVector>;
  /**
   * Stores a batch in one transaction, committed before it resolves, creating the embedding with
   * `dim` if it is new. Refuses (`invalid_body`, nothing written) when the embedding already has
   * another length: another server may have created it meanwhile.
   */
  put(name: string, dim: number, items: readonly StoredVector[]): Promise<void>;
  /** What other servers wrote after `cursor` (one process alone: nothing). */
  changesSince(cursor: number): Promise<EmbeddingChanges>;
  /** Calls `onChange` when another server may have written vectors (and after a reconnect). */
  watch(onChange: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Float32 bytes as stored (a copy: the driver's buffer may be a slice of a larger one, unaligned). */
export function vectorOfBytes(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength >> 2);
}

export function bytesOfVector(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}
