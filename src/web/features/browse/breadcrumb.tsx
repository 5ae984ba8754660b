import { Fragment } from 'react';
import { ancestorsOf } from '../folders/tree-model.js';
import { baseName } from '../../../protocol/paths.js';

/** The scope: root › folder › subfolder, each a link except the current one. */
export function Breadcrumb({ rootName, path, onNavigate }: { rootName: string; path: string; onNavigate: (path: string) => void }) {
  const crumbs = ancestorsOf(path);
  return (
    <nav className="breadcrumb" aria-label="Current folder">
      {crumbs.map((crumb, i) => {
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
