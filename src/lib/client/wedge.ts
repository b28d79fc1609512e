// Keyboard-wedge scanners: a USB/Bluetooth scanner "types" the code faster than any person and ends it with Enter
// or Tab. Such a burst is a scan wherever focus is, and its characters are kept out of the focused field.
//
//   const detach = listenForWedge({ onScan: (code) => … });   on window, capture phase; detach() removes it
//   createWedge(options).keydown(event)                       the same logic, fed by hand (tests)
//
// Rules: keys less than hiccupMs (default 120 ms) apart form a run. Once two keys of a run come less than maxKeyGapMs
// (default 50 ms) apart, the rest of the run is held back from the page (preventDefault). Enter/Tab within hiccupMs
// ends the run: it is a scan when it has at least minLength (default 4) characters and its median gap is under
// maxKeyGapMs; the keys that reached the focused field before holding began are then taken back out of it. A run
// that ends any other way was a person typing: the held keys are put into the field after all. People type 100+ ms
// apart; scanners 1–20 ms, with an occasional longer gap (Bluetooth, a busy tablet), which the median forgives.
// A carton label's GS / RS / EOT come as key presses (Ctrl+] Ctrl+^ Ctrl+D, or F8 F9: label-keys.ts): they are
// part of the run as those characters, not shortcuts.
import { labelControl } from './label-keys';

interface WedgeOptions {
  onScan(code: string): void;
  maxKeyGapMs?: number;
  hiccupMs?: number;
  minLength?: number;
  now?: () => number;
}

/** The part of a KeyboardEvent the detector reads. */
export interface WedgeKey {
  key: string;
  /** The physical key (KeyboardEvent.code): how a scanner's Ctrl+] is read whatever the layout. */
  code?: string;
  target: EventTarget | null;
  ctrlKey?: boolean;
  shiftKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  isComposing?: boolean;
  /** When the key was pressed (KeyboardEvent.timeStamp, performance.now()'s clock). */
  timeStamp?: number;
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
  const gap = options.maxKeyGapMs ?? 50;
  const hiccup = Math.max(gap, options.hiccupMs ?? 120);
  const minLength = options.minLength ?? 4;
  // A key's own time stamp, not the time it is handled: keys queued behind a busy main thread keep their real gaps.
  const when = (e: WedgeKey) =>
    options.now ? options.now() : e.timeStamp && e.timeStamp > 0 ? e.timeStamp : performance.now();
  let run = ''; // every character of the current run
  let gaps: number[] = [];
  let last = -Infinity;
  let field: Editable | null = null; // the text field the run's first keys went to
  let plain: Valued | null = null; // or a field without a caret API (number, email…), and its value before the run
  let before = '';
  let leaked = ''; // keys that reached the field before holding began
  let held = ''; // keys held back since
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  function reset() {
    run = '';
    gaps = [];
    leaked = '';
    held = '';
    field = null;
    plain = null;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
  }

  /** The run ended without being a scan: a person typing. Give the field the keys we held back. */
  function giveBack() {
    if (field && held && fieldHasFocus(field)) insert(field, held);
    else if (plain && held && fieldHasFocus(plain)) setValue(plain, plain.value + held);
    reset();
  }

  function keydown(event: WedgeKey): void {
    if (event.isComposing) return;
    const control = labelControl(event);
    if (!control && (event.ctrlKey || event.metaKey || event.altKey)) return;
    // A control character stands in the run as the character itself.
    const e: WedgeKey = control
      ? { key: control, target: event.target, timeStamp: event.timeStamp, preventDefault: () => event.preventDefault() }
      : event;
    const t = when(e);
    const since = t - last;
    if (e.key === 'Enter' || e.key === 'Tab') {
      const isScan = run.length >= minLength && since <= hiccup && held.length > 0 && median(gaps) <= gap;
      if (isScan) {
        e.preventDefault();
        const code = run;
        if (field && leaked) takeBack(field, leaked);
        else if (plain && plain.value !== before) setValue(plain, before); // e.g. a qty field must not keep a digit
        reset();
        last = -Infinity;
        options.onScan(code);
        return;
      }
      giveBack();
      last = -Infinity;
      return;
    }
    if (e.key.length !== 1) return; // Shift, arrows…: neither part of a code nor the end of a run
    if (run && since <= hiccup) {
      run += e.key;
      gaps.push(since);
      if (held || since <= gap) {
        e.preventDefault();
        held += e.key;
      } else leaked += e.key;
    } else {
      giveBack();
      run = leaked = e.key;
      field = editable(e.target);
      plain = field ? null : valued(e.target);
      before = plain?.value ?? '';
    }
    last = t;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = setTimeout(giveBack, hiccup + 1);
  }

  return { keydown, reset };
}

function median(xs: number[]): number {
  if (!xs.length) return Infinity;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
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

/** Any field with a value: what is left when a field has no caret API. */
interface Valued {
  value: string;
  dispatchEvent(event: Event): boolean;
}

function valued(target: EventTarget | null): Valued | null {
  const t = target as (Partial<Valued> & { readOnly?: boolean }) | null;
  return t && typeof t.value === 'string' && typeof t.dispatchEvent === 'function' && !t.readOnly
    ? (t as Valued)
    : null;
}

function setValue(field: Valued, value: string) {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

function editable(target: EventTarget | null): Editable | null {
  const t = target as (Partial<Editable> & { type?: string; readOnly?: boolean }) | null;
  if (!t || typeof t.value !== 'string' || typeof t.setRangeText !== 'function' || t.readOnly) return null;
  // setRangeText throws on number/email/date inputs: only text-like fields get the fix-up.
  if (t.type !== undefined && !['text', 'search', 'tel', 'url', 'password', 'textarea'].includes(t.type)) return null;
  return t as Editable;
}

/** Removes the text just before the caret if it is what the scanner typed there before holding began. */
function takeBack(field: Editable, text: string) {
  const at = field.selectionStart ?? field.value.length;
  if (at >= text.length && field.value.slice(at - text.length, at) === text) {
    field.setRangeText('', at - text.length, at, 'end');
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
function fieldHasFocus(field: Valued): boolean {
  return typeof document === 'undefined' || document.activeElement === (field as unknown as Element);
}
