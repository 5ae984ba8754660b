/**
 * The bytes media code reads: a local file (by path, so sharp and exifr stream it) or something
 * already fetched on demand. A dataset's ItemBytes fits this shape, so media never imports datasets.
 */
export type ImageBytes = { kind: 'file'; absPath: string } | { kind: 'remote'; read(signal?: AbortSignal): Promise<Buffer> };
