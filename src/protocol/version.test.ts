import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PROTOCOL_HASHES, PROTOCOL_VERSION } from './version.js';

// Every module of the wire contract (version.ts itself excluded: it records the result).
const modules = import.meta.glob<Record<string, unknown>>(['./*.ts', '!./*.test.ts', '!./version.ts'], { eager: true });

/** Schemas as JSON Schema, constants (limits, names, the endpoint table) as data; functions left out. */
function describeValue(value: unknown): unknown {
  if (value instanceof z.ZodType) return z.toJSONSchema(value, { unrepresentable: 'any', io: 'input' });
  if (typeof value === 'function') return undefined;
  if (Array.isArray(value)) return value.map(describeValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, describeValue((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Every export of every module, in a stable order. */
function describeProtocol(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of Object.keys(modules).sort()) {
    const exports = modules[file]!;
    for (const name of Object.keys(exports).sort()) out[`${file}#${name}`] = describeValue(exports[name]);
  }
  return out;
}

async function protocolHash(): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(describeProtocol()));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('protocol version', () => {
  it('changes whenever a wire schema or limit changes', async () => {
    const hash = await protocolHash();
    const recorded = PROTOCOL_HASHES[PROTOCOL_VERSION];
    if (recorded !== hash) {
      const next = PROTOCOL_VERSION + 1;
      const advice =
        recorded === undefined
          ? `PROTOCOL_HASHES has no entry for version ${PROTOCOL_VERSION}: add ${PROTOCOL_VERSION}: '${hash}'.`
          : `The wire contract in src/protocol/ changed. In src/protocol/version.ts set PROTOCOL_VERSION = ${next}, ` +
            `add \`${next}: '${hash}'\` to PROTOCOL_HASHES, and say in a line what changed. ` +
            `(Working on an unreleased version bump already? Then replace that version's hash instead.)`;
      expect.fail(advice);
    }
  });

  it('keeps one distinct hash per version, the current one last', () => {
    const versions = Object.keys(PROTOCOL_HASHES).map(Number);
    expect(Math.max(...versions)).toBe(PROTOCOL_VERSION);
    expect(new Set(Object.values(PROTOCOL_HASHES)).size).toBe(versions.length);
  });
});
