import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The source tree's import graph, read as text. Biome's noImportCycles sees file cycles; cycles
 * between folders (datasets → media → datasets through different files) need this graph.
 */
export interface ImportGraph {
  /** Repo-relative file → repo-relative files it imports (relative specifiers only). */
  edges: Map<string, Set<string>>;
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

export function readImportGraph(repo: string, roots: string[]): ImportGraph {
  const edges = new Map<string, Set<string>>();
  for (const root of roots) {
    for (const file of walk(join(repo, root))) {
      const rel = relative(repo, file);
      const out = new Set<string>();
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(SPECIFIER)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec?.startsWith('.')) continue;
        const target = resolveSource(resolve(dirname(file), spec));
        if (target) out.add(relative(repo, target));
      }
      edges.set(rel, out);
    }
  }
  return { edges };
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield full;
  }
}

function resolveSource(base: string): string | undefined {
  const stem = base.replace(/\.(js|jsx|ts|tsx|mjs)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Strongly connected components with more than one node: each is a cycle. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/**
 * The layer a file belongs to: `src/server/labels`, `src/web/features/inspector`, `src/protocol`…
 * Files at the top of src/server and src/web are their own node (the composition root and entry
 * points import every layer by design).
 */
export function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts.slice(0, 2).join('/');
  if (parts[1] === 'protocol') return 'src/protocol';
  const depth = parts[1] === 'web' && parts[2] === 'features' ? 4 : 3;
  return parts.length > depth ? parts.slice(0, depth).join('/') : file;
}

export function layerGraph(graph: ImportGraph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [from, tos] of graph.edges) {
    const a = layerOf(from);
    if (!out.has(a)) out.set(a, new Set());
    for (const to of tos) {
      const b = layerOf(to);
      if (a !== b) out.get(a)!.add(b);
    }
  }
  return out;
}
