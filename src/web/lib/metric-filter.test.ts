import { describe, expect, it } from 'vitest';
import { decodeMetricRanges, describeMetricRange, encodeMetricRanges, formatMetricValue, metricClauses, setMetricRange } from './metric-filter.js';

const decode = (qs: string) => decodeMetricRanges(new URLSearchParams(qs));

describe('metric filter', () => {
  it('round-trips ranges through the URL, open bounds and odd names included', () => {
    const ranges = [
      { metric: 'aesthetic', min: 0.5, max: 0.9 },
      { metric: 'clip:score & more', min: null, max: -2 },
      { metric: 'sharpness', min: 3, max: null },
    ];
    const qs = encodeMetricRanges(ranges).join('&');
    expect(qs).toBe('m=aesthetic:0.5:0.9&m=clip%3Ascore%20%26%20more::-2&m=sharpness:3:');
    expect(decode(qs)).toEqual(ranges);
  });

  it('drops junk, duplicates and empty ranges; swaps reversed bounds', () => {
    expect(decode('m=a:x:1&m=nocolon&m=:1:2&m=b::&m=c:2:1&m=c:0:1')).toEqual([{ metric: 'c', min: 1, max: 2 }]);
  });

  it('turns ranges into POST /query clauses, leaving open bounds out', () => {
    expect(metricClauses([{ metric: 'a', min: 0, max: null }, { metric: 'b', min: null, max: 1 }])).toEqual([
      { metric: 'a', min: 0 },
      { metric: 'b', max: 1 },
    ]);
  });

  it('sets, replaces and clears one metric without reordering the others', () => {
    let r = setMetricRange([], { metric: 'a', min: 1, max: 2 });
    r = setMetricRange(r, { metric: 'b', min: 0, max: null });
    r = setMetricRange(r, { metric: 'a', min: 1.5, max: 2 });
    expect(r).toEqual([
      { metric: 'a', min: 1.5, max: 2 },
      { metric: 'b', min: 0, max: null },
    ]);
    expect(setMetricRange(r, { metric: 'a', min: null, max: null })).toEqual([{ metric: 'b', min: 0, max: null }]);
  });

  it('formats values and ranges for chips and badges', () => {
    expect(formatMetricValue(0.912345)).toBe('0.9123');
    expect(formatMetricValue(1200)).toBe('1200');
    expect(formatMetricValue(2e-5)).toBe('2.00e-5');
    expect(describeMetricRange({ metric: 'aesthetic', min: 0.5, max: 0.9 })).toBe('aesthetic 0.5–0.9');
    expect(describeMetricRange({ metric: 'aesthetic', min: 0.5, max: null })).toBe('aesthetic ≥ 0.5');
    expect(describeMetricRange({ metric: 'aesthetic', min: null, max: 0.9 })).toBe('aesthetic ≤ 0.9');
  });
});
