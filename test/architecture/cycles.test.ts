import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, layerGraph, readImportGraph } from './import-graph.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const graph = readImportGraph(repo, ['src']);

describe('import graph', () => {
  it('[A1] no file imports itself back through others (type imports included)', () => {
    expect(cycles(graph.edges)).toEqual([]);
  });

  it('[A2] no two folders import each other, directly or through others', () => {
    expect(cycles(layerGraph(graph))).toEqual([]);
  });
});
