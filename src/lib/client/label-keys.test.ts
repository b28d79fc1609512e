import { describe, expect, it } from 'vitest';
import { labelControl } from './label-keys';

describe('a wedge scanner’s key presses for GS, RS and EOT', () => {
  it('reads Ctrl+key mode by the physical key, whatever the layout', () => {
    expect(labelControl({ key: ']', code: 'BracketRight', ctrlKey: true })).toBe('\u001d');
    expect(labelControl({ key: '+', code: 'BracketRight', ctrlKey: true })).toBe('\u001d'); // German layout
    expect(labelControl({ key: '^', code: 'Digit6', ctrlKey: true, shiftKey: true })).toBe('\u001e');
    expect(labelControl({ key: '6', code: 'Digit6', ctrlKey: true, shiftKey: true })).toBe('\u001e');
    expect(labelControl({ key: 'd', code: 'KeyD', ctrlKey: true })).toBe('\u0004');
  });
  it('reads function-key mode: F8 is GS, F9 is RS', () => {
    expect(labelControl({ key: 'F8', code: 'F8' })).toBe('\u001d');
    expect(labelControl({ key: 'F9', code: 'F9' })).toBe('\u001e');
  });
  it('leaves every other key alone', () => {
    for (const k of [
      { key: ']', code: 'BracketRight' },
      { key: '6', code: 'Digit6', ctrlKey: true },
      { key: 'c', code: 'KeyC', ctrlKey: true },
      { key: 'd', code: 'KeyD', ctrlKey: true, altKey: true },
      { key: 'F8', code: 'F8', ctrlKey: true },
      { key: 'Enter', code: 'Enter' },
      { key: 'P', code: 'KeyP', shiftKey: true }
    ])
      expect(labelControl(k), JSON.stringify(k)).toBeNull();
  });
});
