import { useState } from 'react';
import { apiUrl } from '../../api/http-client.js';
import { commonFolder, exportFileName, pickRows, toCsv, toJson } from './export-format.js';
import { fetchExportRows } from './inspector-api.js';

type Format = 'csv' | 'json';

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Export the labels (real tags, notes, stars, from `/export`) of the folder, or of the selection:
 * one export of the folder holding the selection, filtered to the selected items here.
 */
export function ExportButtons({ folder, paths }: { folder: string; paths: readonly string[] }) {
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<string | null>(null);
  const selection = paths.length > 0;

  const exportSelection = async (format: Format) => {
    setBusy(format);
    setError(null);
    try {
      const scope = commonFolder(paths);
      const rows = pickRows(await fetchExportRows(scope), paths);
      download(exportFileName(scope, format, rows.length), format === 'csv' ? toCsv(rows) : toJson(rows), format === 'csv' ? 'text/csv' : 'application/json');
    } catch (e) {
      setError((e as Error).message || 'Export failed');
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="export" data-testid="export">
      <span className="export-label">{selection ? `Export ${paths.length} selected` : 'Export folder'}</span>
      {(['csv', 'json'] as const).map((format) =>
        selection ? (
          <button key={format} type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void exportSelection(format)}>
            {busy === format ? '…' : format.toUpperCase()}
          </button>
        ) : (
          <a key={format} className="btn btn-small" href={apiUrl('/export', { format, path: folder, all: true })} download={exportFileName(folder, format)}>
            {format.toUpperCase()}
          </a>
        ),
      )}
      {error ? <span className="export-error">{error}</span> : null}
    </div>
  );
}
