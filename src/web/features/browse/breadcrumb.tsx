import { Fragment } from 'react';
import { ancestorsOf } from '../../lib/tree-model.js';
import { baseName } from '../../../protocol/paths.js';

const ELLIPSIS = '\u2026';

/** The scope: root › folder › subfolder, each a link except the current one. */
export function Breadcrumb({ rootName, path, onNavigate }: { rootName: string; path: string; onNavigate: (path: string) => void }) {
  const all = ancestorsOf(path);
  // Deep folders show root › … › parent › folder; the hidden middle is one click away.
  const crumbs = all.length > 4 ? [all[0]!, ELLIPSIS, ...all.slice(-2)] : all;
  return (
    <nav className="breadcrumb" aria-label="Current folder">
      {crumbs.map((crumb, i) => {
        if (crumb === ELLIPSIS) {
          const target = all[all.length - 3]!;
          return (
            <Fragment key={crumb}>
              <span className="crumb-sep" aria-hidden="true">
                /
              </span>
              <button type="button" className="crumb" onClick={() => onNavigate(target)} title={target} aria-label={`Up to ${baseName(target)}`}>
                …
              </button>
            </Fragment>
          );
        }
        const label = crumb === '/' ? rootName : baseName(crumb);
        const last = i === crumbs.length - 1;
        return (
          <Fragment key={crumb}>
            {i > 0 ? (
              <span className="crumb-sep" aria-hidden="true">
                /
              </span>
            ) : null}
            {last ? (
              <span className="crumb is-current" aria-current="page" title={label}>
                {label}
              </span>
            ) : (
              <button type="button" className="crumb" onClick={() => onNavigate(crumb)} title={label}>
                {label}
              </button>
            )}
          </Fragment>
        );
      })}
    </nav>
  );
}
