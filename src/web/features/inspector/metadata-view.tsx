import type { Item } from '../../../protocol/items.js';
import { formatBytes, formatNumber } from '../../components/format.js';
import { useMetadata } from './inspector-api.js';

const QUICK_LABELS: Record<string, string> = { prompt: 'Prompt', negative_prompt: 'Negative prompt', parameters: 'Parameters' };

function exifValue(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

/** File facts, the prompt and other handy fields, then EXIF and PNG text in collapsed lists. */
export function MetadataView({ item }: { item: Item }) {
  const meta = useMetadata(item.path);
  const data = meta.data;
  const quick = Object.entries(data?.quick_fields ?? {}).filter(([, v]) => v);
  const exif = Object.entries(data?.exif ?? {});
  const png = data?.png_text ?? [];
  return (
    <div className="meta" data-testid="metadata">
      <dl className="facts">
        <dt>Dimensions</dt>
        <dd>
          {item.w && item.h ? `${formatNumber(item.w)} × ${formatNumber(item.h)}` : data ? `${data.width} × ${data.height}` : '—'}
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(item.size)}</dd>
        <dt>Format</dt>
        <dd>{(data?.format ?? item.type.replace(/^image\//, '')).toUpperCase()}</dd>
        <dt>Added</dt>
        <dd>{item.added_at ? new Date(item.added_at).toLocaleString() : '—'}</dd>
        {Object.entries(item.metrics ?? {}).map(([k, v]) => (
          <MetricRow key={k} name={k} value={v} />
        ))}
      </dl>
      {quick.map(([k, v]) => (
        <div key={k} className="quick-field">
          <div className="quick-label">{QUICK_LABELS[k] ?? k}</div>
          <p className="quick-text">{v}</p>
        </div>
      ))}
      {data?.truncated ? <p className="muted small">Some embedded text is very large and was cut short.</p> : null}
      {meta.isLoading ? <p className="muted small">Reading metadata…</p> : null}
      {meta.isError ? <p className="muted small">No metadata for this file.</p> : null}
      {exif.length ? (
        <details className="meta-more">
          <summary>EXIF · {exif.length}</summary>
          <dl className="kv">
            {exif.map(([k, v]) => (
              <KeyValue key={k} name={k} value={exifValue(v)} />
            ))}
          </dl>
        </details>
      ) : null}
      {png.length ? (
        <details className="meta-more">
          <summary>PNG text · {png.length}</summary>
          <dl className="kv">
            {png.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a PNG may repeat a keyword; the chunk list of an item never reorders
              <KeyValue key={`${c.keyword}-${i}`} name={c.keyword} value={c.truncated ? `${c.text}… (cut short)` : c.text} />
            ))}
          </dl>
        </details>
      ) : null}
    </div>
  );
}

function MetricRow({ name, value }: { name: string; value: number }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className="num">{Number.isInteger(value) ? value : value.toFixed(3)}</dd>
    </>
  );
}

function KeyValue({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </>
  );
}
