/**
 * Equal-width bins over [min, max] of the population; the maximum falls into the last bin.
 * `population` counts a scope's ids, `filtered` those that pass the other filters.
 */
export interface Bins {
  min: number | null;
  max: number | null;
  population: number[];
  filtered: number[];
}

/** The population's side of `Bins`: what a histogram with any filters shares. */
export interface PopulationBins {
  min: number;
  max: number;
  counts: number[];
}

/** Range and counts of the population; undefined when no id has a value. */
export function binPopulation(values: Float64Array, ids: Int32Array, count: number, bins: number): PopulationBins | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[ids[i]!]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return undefined;
  return { min, max, counts: countBins(values, ids, count, min, max, bins) };
}

/** `Bins` from the population's and the filtered counts (empty bins when the population has no value). */
export function withFiltered(pop: PopulationBins | undefined, bins: number, filtered: number[] | undefined): Bins {
  if (!pop) return { min: null, max: null, population: new Array<number>(bins).fill(0), filtered: new Array<number>(bins).fill(0) };
  return { min: pop.min, max: pop.max, population: pop.counts.slice(), filtered: filtered ?? pop.counts.slice() };
}

/** Counts per bin of the ids' values within [min, max] (NaN and values outside are left out). */
export function countBins(values: Float64Array, ids: Int32Array, n: number, min: number, max: number, bins: number): number[] {
  const scale = max > min ? bins / (max - min) : 0;
  const counts = new Int32Array(bins);
  for (let i = 0; i < n; i++) {
    const v = values[ids[i]!]!;
    if (!(v >= min && v <= max)) continue; // NaN, or outside the population's range
    const b = Math.floor((v - min) * scale);
    counts[b >= bins ? bins - 1 : b]!++;
  }
  return Array.from(counts);
}
