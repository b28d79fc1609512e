import { describe, expect, it } from 'vitest';
import { parseCell } from '../domain/items';
import { cellTexts, cellValues, keepMine, shown } from './grid';

const FIELDS = ['description', 'reorder_point', 'active'] as const;

describe('grid cells', () => {
  it('shows stored values as cells: null empty, numbers as text, booleans as checkboxes', () => {
    expect(cellTexts(FIELDS, { description: 'Bolt', reorder_point: null, active: false })).toEqual({
      description: 'Bolt',
      reorder_point: '',
      active: false
    });
    expect(cellTexts(FIELDS, { description: '', reorder_point: 0, active: true })).toEqual({
      description: '',
      reorder_point: '0',
      active: true
    });
  });

  it('parses every cell by the domain rules for a save', () => {
    const cells = { description: 'Nut', reorder_point: ' 12 ', active: true };
    expect(cellValues(FIELDS, (f) => parseCell(f, cells[f]))).toEqual({
      description: 'Nut',
      reorder_point: 12,
      active: true
    });
    expect(cellValues(FIELDS, (f) => parseCell(f, { ...cells, reorder_point: '' }[f]))).toMatchObject({
      reorder_point: null
    });
  });

  it('keeps the cells I edited over theirs and takes theirs for the rest, other keys from theirs', () => {
    const mine = { id: 'mine', description: 'mine', reorder_point: '5', active: true };
    const theirs = { id: 'theirs', description: 'theirs', reorder_point: '7', active: false };
    expect(keepMine(FIELDS, mine, theirs, (f) => f === 'description')).toEqual({
      id: 'theirs',
      description: 'mine',
      reorder_point: '7',
      active: false
    });
  });

  it('says empty, yes and no for what someone else saved', () => {
    expect([null, '', true, false, 0, 'x'].map(shown)).toEqual(['(empty)', '(empty)', 'yes', 'no', '0', 'x']);
  });
});
