// The acceptance rule of the camera and scan-bench: a stream of decode results → the codes accepted.
import { describe, expect, it } from 'vitest';
import { acceptStream, createAcceptance, normaliseDecode } from './acceptance';

const A = { text: '4006381310013', format: 'ean_13' };
const B = { text: 'P-1002', format: 'code_128' };

describe('acceptance rule', () => {
  it('does not accept a single stray decode', () => {
    expect(acceptStream([null, A, null, null, null, null])).toEqual([]);
    expect(acceptStream([A])).toEqual([]);
  });

  it('accepts a code read in two consecutive frames', () => {
    expect(acceptStream([null, A, A])).toEqual([A]);
  });

  it('accepts at once a code two passes of one frame agreed on', () => {
    expect(acceptStream([{ ...B, confirmed: true }])).toEqual([B]);
    expect(acceptStream([{ ...B, confirmed: false }])).toEqual([]);
  });

  it('does not let a different code read in between count as agreement', () => {
    // A misread between two reads of A: neither the misread nor A (its two reads are not adjacent) is accepted.
    expect(acceptStream([A, B, A])).toEqual([]);
    expect(acceptStream([A, B, A, A])).toEqual([A]);
  });

  it('needs the text and the format to agree', () => {
    expect(acceptStream([A, { ...A, format: 'code_128' }])).toEqual([]);
    expect(acceptStream([A, { ...A, text: '4006381310020' }])).toEqual([]);
  });

  it('bridges up to maxGap empty frames (full frames and crops alternate), not more', () => {
    expect(acceptStream([A, null, null, A])).toEqual([A]);
    expect(acceptStream([A, null, null, null, A])).toEqual([]);
    expect(acceptStream([A, null, A], { maxGap: 0 })).toEqual([]);
    expect(acceptStream([A, A], { maxGap: 0 })).toEqual([A]);
  });

  it('starts over after each acceptance: a code held in view is accepted every second frame', () => {
    expect(acceptStream([A, A, A, A, A])).toEqual([A, A]);
  });

  it('treats a UPC-A reported as EAN-13 with a leading 0 as the same code as UPC-A', () => {
    const upc = { text: '036000291452', format: 'upc_a' };
    expect(acceptStream([{ text: '0036000291452', format: 'ean_13' }, upc])).toEqual([upc]);
    expect(normaliseDecode({ text: '0036000291452', format: 'ean_13' })).toEqual(upc);
    expect(normaliseDecode(A)).toEqual(A);
    expect(normaliseDecode({ text: '036000291452', format: 'upc_a' })).toEqual(upc);
  });

  it('forgets its state on reset()', () => {
    const rule = createAcceptance();
    expect(rule.push(A)).toBeNull();
    rule.reset();
    expect(rule.push(A)).toBeNull();
    expect(rule.push(A)).toEqual(A);
  });
});
