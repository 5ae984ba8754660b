import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

export interface WipeDividerProps {
  /** Where the divider stands, 0 (all B) to 1 (all A). */
  value: number;
  onChange: (value: number) => void;
  /** The stage's width in CSS pixels. */
  width: number;
  nameA: string;
  nameB: string;
}

const STEP = 0.01;
const PAGE = 0.1;

/** The A/B wipe's divider: dragged with the pointer, or a slider for the keyboard (arrows, Page, Home, End). */
export function WipeDivider({ value, onChange, width, nameA, nameB }: WipeDividerProps) {
  const ref = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const set = (v: number) => onChange(Math.min(1, Math.max(0, v)));
  const fromPointer = (clientX: number) => {
    const stage = ref.current?.parentElement;
    if (!stage) return;
    const rect = stage.getBoundingClientRect();
    if (rect.width > 0) set((clientX - rect.left) / rect.width);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    // The divider's own drag, not a pan of the images under it.
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    dragging.current = true;
    fromPointer(e.clientX);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (dragging.current) fromPointer(e.clientX);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const big = e.shiftKey ? PAGE : STEP;
    const moves: Record<string, number> = { ArrowLeft: value - big, ArrowDown: value - big, ArrowRight: value + big, ArrowUp: value + big, PageDown: value - PAGE, PageUp: value + PAGE, Home: 0, End: 1 };
    const next = moves[e.key];
    if (next === undefined) return;
    // Handled here: the compare view's arrows (which move the focused pane) stay out of it.
    e.preventDefault();
    set(Math.round(next * 1000) / 1000);
  };
  const percent = Math.round(value * 100);
  return (
    <div ref={ref} className="wipe-divider" style={{ left: value * width }}>
      <div
        className="wipe-handle"
        role="slider"
        tabIndex={0}
        aria-label="Wipe position"
        aria-orientation="horizontal"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% ${nameA}, ${100 - percent}% ${nameB}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (dragging.current = false)}
        onPointerCancel={() => (dragging.current = false)}
        onKeyDown={onKeyDown}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M6 4L2 8l4 4M10 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </div>
    </div>
  );
}
