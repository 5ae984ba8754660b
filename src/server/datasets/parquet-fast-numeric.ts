import type { AsyncBuffer, DecodedArray, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

/**
 * The common metric column (flat, optional or required INT32/INT64/FLOAT/DOUBLE) read one row
 * group at a time through hyparquet's public `parquetRead`, straight into a Float64Array (NaN for
 * null). The table reader keeps one decoded group per column, so a group split into several
 * slices is decoded once, and the numbers never become one boxed value per row in our code.
 */
const NUMERIC = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);
const PLAIN_INTEGERS = new Set(['INT_8', 'INT_16', 'INT_32', 'INT_64', 'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64']);

/** The column's schema node when it is a plain flat number column, else undefined. */
export function fastNumericColumn(metadata: FileMetaData, name: string): SchemaTree | undefined {
  const node = parquetSchema(metadata).children.find((c) => c.element.name === name);
  if (!node || node.children.length > 0) return undefined;
  const e = node.element;
  if (!e.type || !NUMERIC.has(e.type) || e.repetition_type === 'REPEATED') return undefined;
  if (e.converted_type && !PLAIN_INTEGERS.has(e.converted_type)) return undefined;
  if (e.logical_type && e.logical_type.type !== 'INTEGER') return undefined;
  return node;
}

/** Reads one column of one row group as numbers (NaN = null). */
export async function readNumericGroup(file: AsyncBuffer, metadata: FileMetaData, group: number, node: SchemaTree): Promise<Float64Array> {
  let groupStart = 0;
  for (let g = 0; g < group; g++) groupStart += Number(metadata.row_groups[g]!.num_rows);
  const rows = Number(metadata.row_groups[group]!.num_rows);
  const out = new Float64Array(rows).fill(NaN);
  await parquetRead({
    file,
    metadata,
    compressors,
    columns: [node.element.name],
    rowStart: groupStart,
    rowEnd: groupStart + rows,
    onChunk: (chunk) => copyNumbers(out, chunk.columnData, chunk.rowStart - groupStart),
  });
  return out;
}

/** Copies decoded values (a typed array for required columns, numbers and nulls otherwise) from `at`. */
function copyNumbers(out: Float64Array, data: DecodedArray, at: number): void {
  const from = Math.max(0, -at);
  const to = Math.min(data.length, out.length - at);
  if (data instanceof Float64Array) {
    out.set(data.subarray(from, to), at + from);
    return;
  }
  for (let k = from; k < to; k++) {
    const v = data[k];
    if (v !== null && v !== undefined) out[at + k] = Number(v);
  }
}
