import { describe, expect, it } from 'vitest';
import type { AssignmentsDocument } from '../../protocol/progress.js';
import { parseDailyCsv, saveAssignments, saveSettings } from './progress-api.js';

describe('progress api', () => {
  it('[PW7] reads the export CSV, quoted names included', () => {
    const csv = 'date,user,edits,items\r\n2026-12-02,"smith, jo",3,2\r\n2026-12-02,"say ""hi""",1,0\r\n';
    expect(parseDailyCsv(csv)).toEqual([
      { date: '2026-12-02', user: 'smith, jo', edits: 3, items: 2 },
      { date: '2026-12-02', user: 'say "hi"', edits: 1, items: 0 },
    ]);
    expect(parseDailyCsv('')).toEqual([]);
  });

  it('[PW4] re-applies an assignment edit onto the document a 409 answers with, with a new key each time', async () => {
    const calls: { ifMatch: string; key: string; body: { assignments: unknown[] } }[] = [];
    const theirs: AssignmentsDocument = { version: 4, assignments: [{ id: 'a1', path: '/x', people: ['bob'] }] };
    const fetchFn = async (_url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      const body = JSON.parse(String(init.body)) as { assignments: unknown[] };
      calls.push({ ifMatch: headers['if-match']!, key: headers['idempotency-key']!, body });
      if (calls.length === 1) {
        return new Response(JSON.stringify({ error: { code: 'version_conflict', message: 'stale', details: { base_version: 3, current_version: 4 } }, current: theirs }), { status: 409 });
      }
      return new Response(JSON.stringify({ version: 5, assignments: body.assignments }), { status: 200 });
    };
    let n = 0;
    const doc = await saveAssignments({ version: 3, assignments: [] }, (list) => [...list, { id: 'a2', path: '/y', people: ['cy'] }], () => `k${++n}`, fetchFn);
    expect(calls.map((c) => [c.ifMatch, c.key])).toEqual([
      ['"3"', 'k1'],
      ['"4"', 'k2'],
    ]);
    expect(doc).toEqual({ version: 5, assignments: [{ id: 'a1', path: '/x', people: ['bob'] }, { id: 'a2', path: '/y', people: ['cy'] }] });
  });

  it('[PW4] throws the server error of a refused settings write', async () => {
    const fetchFn = async () => new Response(JSON.stringify({ error: { code: 'forbidden', message: 'admins only' } }), { status: 403 });
    await expect(saveSettings({ version: 1, labeled: 'any' }, 'star', () => 'k', fetchFn)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});
