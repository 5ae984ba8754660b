// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TagEditor } from './tag-editor.js';

afterEach(cleanup);

describe('tag editor', () => {
  it('adds a typed tag with Enter and removes one with ×', () => {
    const onAdd = vi.fn();
    const onRemove = vi.fn();
    render(<TagEditor tags={[{ tag: 'cat' }]} known={[]} onAdd={onAdd} onRemove={onRemove} />);
    const input = screen.getByLabelText('Add a tag') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '  sunset ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onAdd).toHaveBeenCalledWith('sunset');
    expect(input.value).toBe('');
    fireEvent.click(screen.getByLabelText('Remove tag cat'));
    expect(onRemove).toHaveBeenCalledWith('cat');
  });

  it('suggests dataset tags not on the item, picked with the arrow keys', () => {
    const onAdd = vi.fn();
    render(<TagEditor tags={[{ tag: 'cat' }]} known={['cat', 'catalog', 'dog', 'scat']} onAdd={onAdd} onRemove={() => {}} />);
    const input = screen.getByLabelText('Add a tag');
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value: 'ca' } });
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['catalog', 'scat']);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onAdd).toHaveBeenCalledWith('scat');
  });

  it('shows how many of a multi-selection carry each tag', () => {
    render(<TagEditor tags={[{ tag: 'a', count: 3 }, { tag: 'b', count: 1 }]} of={3} known={[]} onAdd={() => {}} onRemove={() => {}} />);
    expect(screen.getByText('1/3')).toBeTruthy();
    expect(screen.queryByText('3/3')).toBeNull();
    expect(screen.getByPlaceholderText('Add a tag to all 3')).toBeTruthy();
  });
});
