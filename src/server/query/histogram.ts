/**
 * Equal-width bins over [min, max] of the population; the maximum falls into the last bin.
 * `population` and `filtered` are id lists (filtered ⊆ population is not required).
 */
export interface Bins {
  min: number | null;
  max: number | null;
  population: number[];
  filtered: number[];
}

export function binValues(
  values: Float64Array,
  population: Int32Array,
  populationCount: number,
  filtered: Int32Array,
  filteredCount: number,
  bins: number,
): Bins {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < populationCount; i++) {
    const v = values[population[i]!]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const pop = new Array<number>(bins).fill(0);
  const fil = new Array<number>(bins).fill(0);
  if (min > max) return { min: null, max: null, population: pop, filtered: fil };
  const scale = max > min ? bins / (max - min) : 0;
  const count = (ids: Int32Array, n: number, out: number[]): void => {
    for (let i = 0; i < n; i++) {
      const v = values[ids[i]!]!;
      if (!(v >= min && v <= max)) continue; // NaN, or outside the population's range
      const b = Math.floor((v - min) * scale);
      const at = b >= bins ? bins - 1 : b;
      out[at] = out[at]! + 1;
    }
  };
  count(population, populationCount, pop);
  count(filtered, filteredCount, fil);
  return { min, max, population: pop, filtered: fil };
}
