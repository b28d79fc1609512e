// The key presses a keyboard-wedge scanner sends for the control characters of a carton label (ISO 15434), as the
// character they stand for. A field that receives a label calls it on keydown and inserts what it answers: a browser
// puts nothing into a field for Ctrl+] or F8 by itself, and Ctrl+D would open the bookmark dialog.
//   - Ctrl+key mode (the "control character" setting of Datalogic, Honeywell, Zebra): GS Ctrl+], RS Ctrl+^ (Ctrl+
//     Shift+6 on a US layout), EOT Ctrl+D. Read by the physical key (code), so a scanner set to a German layout,
//     which sends Ctrl++ for GS from the same key, reads the same.
//   - Function-key mode (Honeywell's default control-character table): GS F8, RS F9 (EOT has no key there and is
//     dropped, which fromKeyboard in mh10.ts puts back).
// Every other form (the characters themselves, control pictures, <GS>, ^], Alt+numpad glyphs) arrives as text and is
// read by fromKeyboard.
const GS = '\u001d';
const RS = '\u001e';
const EOT = '\u0004';

export interface LabelKey {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/** The control character a key press stands for in a carton label, or null for any other key. */
export function labelControl(e: LabelKey): string | null {
  if (e.altKey || e.metaKey) return null;
  if (!e.ctrlKey) return e.key === 'F8' ? GS : e.key === 'F9' ? RS : null;
  if (e.code === 'BracketRight' || e.key === ']') return GS;
  if (e.key === '^' || (e.code === 'Digit6' && e.shiftKey)) return RS;
  if (e.code === 'KeyD' || e.key === 'd' || e.key === 'D') return EOT;
  return null;
}
