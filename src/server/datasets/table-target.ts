import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** A table file, or a folder holding `items.parquet` (its state then goes in the folder's `.lenslet/`). */
export type TableTarget = { kind: 'table-file'; table: string } | { kind: 'folder'; table: string; folder: string };

/** What kind of table target `target` is, or undefined for a plain image folder. */
export function tableTarget(target: string): TableTarget | undefined {
  const absolute = path.resolve(target);
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(absolute);
  } catch {
    return /\.parquet$/i.test(absolute) ? { kind: 'table-file', table: absolute } : undefined;
  }
  if (info.isFile()) return /\.parquet$/i.test(absolute) ? { kind: 'table-file', table: absolute } : undefined;
  const items = path.join(absolute, 'items.parquet');
  return info.isDirectory() && existsSync(items) ? { kind: 'folder', table: items, folder: absolute } : undefined;
}
