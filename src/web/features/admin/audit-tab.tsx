import { useInfiniteQuery } from '@tanstack/react-query';
import { fetchAudit } from '../../api/auth-api.js';
import { queryKeys } from '../../api/query-keys.js';
import { AUDIT_COPY, AUDIT_WARN, adminErrorText, formatWhen } from './admin-format.js';

/** The audit log, newest first: sign-ins and failures, role changes, tokens; pages back on demand. */
export function AuditTab() {
  const audit = useInfiniteQuery({
    queryKey: queryKeys.admin.audit,
    queryFn: ({ pageParam, signal }) => fetchAudit(pageParam ?? undefined, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_before,
  });
  const entries = audit.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <>
      <div className="admin-row">
        <p className="muted small">Sign-ins, failed attempts, role changes, users and tokens. Newest first.</p>
        <button type="button" className="btn btn-small" onClick={() => void audit.refetch()} disabled={audit.isFetching}>
          Refresh
        </button>
      </div>
      <table className="admin-table" aria-label="Audit log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">Subject</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} className={AUDIT_WARN.has(e.kind) ? 'is-warn' : undefined}>
              <td className="muted small nowrap">{formatWhen(e.at)}</td>
              <td>
                {AUDIT_COPY[e.kind]}
                {e.detail ? <span className="muted small"> · {e.detail}</span> : null}
              </td>
              <td>{e.actor ?? <span className="muted">—</span>}</td>
              <td>{e.subject ?? <span className="muted">—</span>}</td>
              <td className="muted small">{e.address ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {audit.data && !entries.length ? <p className="admin-empty">Nothing recorded yet.</p> : null}
      {audit.error ? <p className="auth-error">{adminErrorText(audit.error)}</p> : null}
      {audit.hasNextPage ? (
        <button type="button" className="btn admin-more" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
          Older entries
        </button>
      ) : null}
    </>
  );
}
