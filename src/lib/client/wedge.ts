// Keyboard-wedge scanners: a USB/Bluetooth scanner "types" the code faster than any person and ends it with Enter
// or Tab. Such a burst is a scan wherever focus is, and its characters are kept out of the focused field.
//
//   const detach = listenForWedge({ onScan: (code) => … });   on window, capture phase; detach() removes it
//   createWedge(options).keydown(event)                       the same logic, fed by hand (tests)
//
// Rules: printable keys less than maxKeyGapMs (default 40 ms) apart form a burst; a burst of at least minLength
// (default 4) characters followed by Enter/Tab within maxKeyGapMs×3 is a scan. From the second fast key on, keys are
// held back from the page (preventDefault); the first one has already reached the focused field by then, so it is
// taken back out when the burst turns out to be a scan. A burst that ends without Enter/Tab was fast typing: the
// held-back characters are put into the field after all. People type 100+ ms apart; scanners 1–20 ms.
export interface WedgeOptions {
  onScan(code: string): void;
  maxKeyGapMs?: number;
  minLength?: number;
  now?: () => number;
}

/** The part of a KeyboardEvent the detector reads. */
export interface WedgeKey {
  key: string;
  target: EventTarget | null;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  isComposing?: boolean;
  preventDefault(): void;
}

/** A text field the way the detector edits it: <input> and <textarea> both fit. */
interface Editable {
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  setRangeText(text: string, start: number, end: number, mode?: 'end' | 'preserve' | 'select' | 'start'): void;
  dispatchEvent(event: Event): boolean;
}

export function createWedge(options: WedgeOptions) {
  const gap = options.maxKeyGapMs ?? 40;
  const minLength = options.minLength ?? 4;
  const now = options.now ?? (() => performance.now());
  let buffer = '';
  let last = -Infinity;
  let leaked: { field: Editable; char: string } | null = null; // the first key, which reached the field
  let held = ''; // keys held back since the second fast key
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  function reset() {
    buffer = '';
    held = '';
    leaked = null;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
  }

  /** The burst ended without a terminator: a person typing fast. Give the field the keys we held back. */
  function giveBack() {
    const field = leaked?.field;
    if (field && held && fieldHasFocus(field)) insert(field, held);
    reset();
  }

  function keydown(e: WedgeKey): void {
    if (e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = now();
    const fast = t - last <= gap;
    if (e.key === 'Enter' || e.key === 'Tab') {
      const isScan = buffer.length >= minLength && t - last <= gap * 3;
      if (isScan) {
        e.preventDefault();
        const code = buffer;
        if (leaked) takeBack(leaked.field, leaked.char);
        reset();
        last = -Infinity;
        options.onScan(code);
        return;
      }
      giveBack();
      last = -Infinity;
      return;
    }
    if (e.key.length !== 1) return; // Shift, arrows…: neither part of a code nor the end of a burst
    if (buffer && fast) {
      e.preventDefault();
      buffer += e.key;
      held += e.key;
    } else {
      if (held) giveBack();
      reset();
      buffer = e.key;
      const field = editable(e.target);
      leaked = field ? { field, char: e.key } : null;
    }
    last = t;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = setTimeout(giveBack, gap * 3 + 1);
  }

  return { keydown, reset };
}

export function listenForWedge(options: WedgeOptions): () => void {
  const wedge = createWedge(options);
  const onKey = (e: KeyboardEvent) => wedge.keydown(e);
  window.addEventListener('keydown', onKey, { capture: true });
  return () => {
    window.removeEventListener('keydown', onKey, { capture: true });
    wedge.reset();
  };
}

function editable(target: EventTarget | null): Editable | null {
  const t = target as Partial<Editable> & { type?: string; readOnly?: boolean } | null;
  if (!t || typeof t.value !== 'string' || typeof t.setRangeText !== 'function' || t.readOnly) return null;
  // setRangeText throws on number/email/date inputs: only text-like fields get the fix-up.
  if (t.type !== undefined && !['text', 'search', 'tel', 'url', 'password', 'textarea'].includes(t.type)) return null;
  return t as Editable;
}

/** Removes the character just before the caret if it is the one the scanner typed there. */
function takeBack(field: Editable, char: string) {
  const at = field.selectionStart ?? field.value.length;
  if (at > 0 && field.value.slice(at - 1, at) === char) {
    field.setRangeText('', at - 1, at, 'end');
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

function insert(field: Editable, text: string) {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  field.setRangeText(text, start, end, 'end');
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Only give keys back to a field that still has focus (or when there is no document, in tests). */
function fieldHasFocus(field: Editable): boolean {
  return typeof document === 'undefined' || document.activeElement === (field as unknown as Element);
}
