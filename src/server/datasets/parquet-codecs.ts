import type { Compressors } from 'hyparquet';

let loading: Promise<Compressors> | undefined;

/**
 * hyparquet-compressors (snappy, zstd, gzip, brotli, lz4, some of them WebAssembly), loaded with
 * the first read of row data: opening a table only reads its footer, so a start does not wait on them.
 */
export function loadCodecs(): Promise<Compressors> {
  loading ??= import('hyparquet-compressors').then((m) => m.compressors);
  return loading;
}
