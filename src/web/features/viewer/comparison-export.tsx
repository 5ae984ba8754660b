import { useState } from 'react';
import { ApiError, requestBlob } from '../../api/http-client.js';

/** "Export comparison": the server draws the compared images side by side as a PNG, downloaded here. */
export function ComparisonExport({ paths }: { paths: readonly string[] }) {
  const [labels, setLabels] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const png = await requestBlob('/export/comparison', { method: 'POST', body: { paths, labels } });
      const url = URL.createObjectURL(png);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'lenslet-comparison.png';
      document.body.append(a);
      a.click();
      a.remove();
      // The download has its own copy once started; give it a moment before letting go of ours.
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Export failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="compare-export">
      <label className="compare-check" title="Add each image's stars under its name">
        <input type="checkbox" checked={labels} onChange={(e) => setLabels(e.target.checked)} />
        Labels
      </label>
      <button type="button" className="compare-text-button" onClick={run} disabled={busy} aria-busy={busy}>
        {busy ? 'Exporting…' : 'Export comparison'}
      </button>
      {error ? (
        <span className="compare-export-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
