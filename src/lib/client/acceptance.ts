// When a decoded barcode counts as read: the rule the live camera (camera.ts) and `npm run scan-bench` share.
// Pure and free of @zxing/library, so the page can use it without loading the decoder.
//
//   normaliseDecode({ text, format })   UPC-A reported as EAN-13 with a leading 0 → UPC-A's 12 digits
//   createAcceptance(options?)          .push(sighting | null) per frame → the accepted code or null
//   acceptStream(sightings, options?)   the same over a whole stream: every accepted code, in order
//
// A wrong scan is worse than no scan: one decode is never enough. A code is accepted when two decodes agree on its
// text and format: two passes of the decoder over one frame (different binarizers, turns or crops: `confirmed`), or
// two frames close together with no other code read between them. A single stray decode — a Code 128 misread as an
// EAN-13 with a valid check digit, say — does not come back the same in the next frame, so it is never reported.

interface Sighting {
  text: string;
  format: string;
  /** Two independent passes over the same frame already agreed on this text. */
  confirmed?: boolean;
}

interface AcceptOptions {
  /** Frames with no decode allowed between two that agree (the camera alternates full frames and centre crops, so a
   * dense code may read only in every other one). Default 2. */
  maxGap?: number;
}

/** One form for a UPC-A, however the reader reports it: an EAN-13 whose first digit is 0 is the same bars. */
export function normaliseDecode<T extends { text: string; format: string }>(d: T): T {
  if ((d.format === 'ean_13' || d.format === 'EAN_13') && /^0\d{12}$/.test(d.text))
    return { ...d, format: 'upc_a', text: d.text.slice(1) } as T;
  return d;
}

export function createAcceptance(options: AcceptOptions = {}) {
  const maxGap = options.maxGap ?? 2;
  let last: Sighting | null = null;
  let gap = 0;
  return {
    /** One frame's decode (null: nothing read in it). Returns the code once it is accepted, else null. */
    push(sighting: Sighting | null): Sighting | null {
      if (!sighting) {
        if (last && ++gap > maxGap) last = null;
        return null;
      }
      const s = normaliseDecode(sighting);
      const agrees = last !== null && last.text === s.text && last.format === s.format;
      gap = 0;
      if (s.confirmed || agrees) {
        // Counted: the next sighting must find agreement of its own (the repeat filter decides about re-reporting).
        last = null;
        return { text: s.text, format: s.format };
      }
      last = s;
      return null;
    },
    reset() {
      last = null;
      gap = 0;
    }
  };
}

export function acceptStream(sightings: Iterable<Sighting | null>, options: AcceptOptions = {}): Sighting[] {
  const rule = createAcceptance(options);
  const out: Sighting[] = [];
  for (const s of sightings) {
    const accepted = rule.push(s);
    if (accepted) out.push(accepted);
  }
  return out;
}
