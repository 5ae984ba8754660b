import { memo, useRef, useState, type PointerEvent } from 'react';
import { binsInRange, brushRange, type Axis } from './histogram-math.js';

export interface Range {
  min: number | null;
  max: number | null;
}

export interface HistogramChartProps {
  axis: Axis;
  population: readonly number[];
  filtered: readonly number[];
  /** The committed range, or the one being brushed. */
  range: Range;
  /** Live while dragging. */
  onBrush: (range: Range) => void;
  /** On release; null bounds when the brush covers the whole axis (no filter). */
  onCommit: (range: Range) => void;
  label: string;
}

const W = 240;
const H = 72;
const GAP = 1;

/**
 * Population bars in grey, the filtered set drawn over them in the accent colour (dimmed outside
 * the selected range). Drag to brush a range; it snaps outwards to whole bins.
 */
export const HistogramChart = memo(function HistogramChart({ axis, population, filtered, range, onBrush, onCommit, label }: HistogramChartProps) {
  const svg = useRef<SVGSVGElement>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const peak = Math.max(1, ...population, ...filtered);
  const barW = W / axis.bins;
  const span = range.min === null && range.max === null ? null : binsInRange(axis, range.min, range.max);
  const inRange = (i: number) => span === null || (i >= span[0] && i <= span[1]);
  const height = (n: number) => (n > 0 ? Math.max(1.5, (n / peak) * (H - 4)) : 0);

  const fractionAt = (e: PointerEvent) => {
    const box = svg.current!.getBoundingClientRect();
    return box.width > 0 ? (e.clientX - box.left) / box.width : 0;
  };
  const rangeOf = (a: number, b: number): Range => {
    const r = brushRange(axis, a, b);
    return r.min <= axis.min && r.max >= axis.max ? { min: null, max: null } : r;
  };

  const brushX = span ? { x: span[0] * barW, w: (span[1] - span[0] + 1) * barW } : null;
  return (
    <svg
      ref={svg}
      className={`histogram${dragFrom !== null ? ' is-brushing' : ''}`}
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
      data-testid="histogram"
      onPointerDown={(e) => {
        if (e.button !== 0 || axis.max <= axis.min) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        const f = fractionAt(e);
        setDragFrom(f);
        onBrush(rangeOf(f, f));
      }}
      onPointerMove={(e) => {
        if (dragFrom === null) return;
        onBrush(rangeOf(dragFrom, fractionAt(e)));
      }}
      onPointerUp={(e) => {
        if (dragFrom === null) return;
        const r = rangeOf(dragFrom, fractionAt(e));
        setDragFrom(null);
        onCommit(r);
      }}
      onPointerCancel={() => {
        setDragFrom(null);
      }}
    >
      {brushX ? <rect className="histogram-brush" x={brushX.x} y={0} width={brushX.w} height={H} /> : null}
      {population.map((n, i) => {
        const h = height(n);
        // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional: bin i is the same bin on every render
        return h ? <rect key={`p${i}`} className="histogram-pop" x={i * barW + GAP / 2} y={H - h} width={barW - GAP} height={h} /> : null;
      })}
      {filtered.map((n, i) => {
        const h = height(n);
        return h ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional: bin i is the same bin on every render
          <rect key={`f${i}`} className={inRange(i) ? 'histogram-fil' : 'histogram-fil is-out'} x={i * barW + GAP / 2} y={H - h} width={barW - GAP} height={h} />
        ) : null;
      })}
      {brushX ? (
        <>
          <line className="histogram-edge" x1={brushX.x} x2={brushX.x} y1={0} y2={H} />
          <line className="histogram-edge" x1={brushX.x + brushX.w} x2={brushX.x + brushX.w} y1={0} y2={H} />
        </>
      ) : null}
    </svg>
  );
});
