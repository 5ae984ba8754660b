// @vitest-environment happy-dom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Spinner } from './spinner.js';

describe('spinner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('stays hidden for its grace period, so fast loads never flash it', () => {
    const view = render(<Spinner delayMs={150} />);
    act(() => vi.advanceTimersByTime(149));
    expect(view.queryByRole('status')).toBeNull();
    act(() => vi.advanceTimersByTime(1));
    expect(view.getByRole('status').getAttribute('aria-label')).toBe('Loading');
  });

  it('shows at once without a delay', () => {
    expect(render(<Spinner delayMs={0} />).getByRole('status')).toBeTruthy();
  });
});
