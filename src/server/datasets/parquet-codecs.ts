import type { CompressionCodec, Compressors, FileMetaData } from 'hyparquet';

type Decompressor = NonNullable<Compressors[CompressionCodec]>;

const loaded = new Map<CompressionCodec, Promise<Decompressor | undefined>>();
let everyCodec: Promise<Compressors> | undefined;
/** Per file: its set is asked for once per column chunk read. */
const byFile = new WeakMap<FileMetaData, Promise<Compressors>>();

/**
 * The decompressors a file's column chunks use, loaded with the first read of row data (opening a
 * table only reads its footer). Only those: hyparquet-compressors whole (brotli's dictionary, gzip,
 * lz4, zstd, snappy's WebAssembly) costs ~140 ms of the main thread's CPU right when the first
 * rows are decoded, snappy alone ~30 ms. Snappy and zstd, the codecs most writers use, come from the
 * packages hyparquet-compressors itself wraps; any other codec loads the whole set.
 */
export function loadCodecs(metadata: FileMetaData): Promise<Compressors> {
  let set = byFile.get(metadata);
  if (!set) {
    set = codecsOf(metadata);
    byFile.set(metadata, set);
  }
  return set;
}

function codecsOf(metadata: FileMetaData): Promise<Compressors> {
  const codecs = new Set<CompressionCodec>();
  for (const group of metadata.row_groups) for (const chunk of group.columns) if (chunk.meta_data) codecs.add(chunk.meta_data.codec);
  codecs.delete('UNCOMPRESSED');
  return Promise.all([...codecs].map(async (codec) => [codec, await decompressorOf(codec)] as const)).then((pairs) => {
    const out: Compressors = {};
    for (const [codec, decompress] of pairs) if (decompress) out[codec] = decompress;
    return out;
  });
}

function decompressorOf(codec: CompressionCodec): Promise<Decompressor | undefined> {
  let found = loaded.get(codec);
  if (!found) {
    if (codec === 'SNAPPY') found = import('hysnappy').then((m) => m.snappyUncompressor());
    else if (codec === 'ZSTD') found = import('fzstd').then((m) => (input: Uint8Array) => m.decompress(input));
    else {
      everyCodec ??= import('hyparquet-compressors').then((m) => m.compressors);
      found = everyCodec.then((all) => all[codec]);
    }
    loaded.set(codec, found);
  }
  return found;
}
