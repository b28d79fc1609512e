// A label sheet as PDF: bwip-js encodes each code (its raw modules, drawn here as vector rectangles so the print is as
// sharp as the printer), pdf-lib lays out the pages, the stock's geometry comes from src/lib/domain/labels.ts.
//
//   renderLabels(stock, labels, skip) → PDF bytes | throws LabelError (a code too long for the label, say)
//
// Each label: the code (2-D: a square on the left of a wide label, on top of a tall one; Code 128: across the top)
// with its quiet zone, then the text: a bold title, the human-readable line and the description, shrunk or cut with
// "…" to fit. Module sizes are at least MIN_MODULE points (a 0.19 mm bar, 7.5 mil), and whole printer dots on a
// thermal stock.
import bwipjs from 'bwip-js/node';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { labelPositions, type LabelBox, type LabelCode, type LabelStock } from '#domain/labels';

export interface LabelSpec {
  code: LabelCode;
  title: string;
  /** Lines under the title: the human-readable line, the description… (empty ones dropped). */
  lines: string[];
}

export class LabelError extends Error {}

/** The narrowest bar or 2-D module drawn: 0.19 mm. */
export const MIN_MODULE = 0.54;
/** The widest: bigger codes scan no better and take the text's room. */
const MAX_MODULE_1D = 2.2;
const MAX_MODULE_2D = 6;
const BLACK = rgb(0, 0, 0);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  /** Code points the standard fonts (WinAnsi) can draw; anything else prints as "?". */
  drawable: Set<number>;
}

export async function renderLabels(stock: LabelStock, labels: LabelSpec[], skip = 0): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`LineSync labels (${labels.length})`);
  doc.setCreator('LineSync');
  doc.setProducer('LineSync (pdf-lib, bwip-js)');
  // A fixed date: the same request gives the same bytes.
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const fonts: Fonts = { regular, bold, drawable: new Set(regular.getCharacterSet()) };
  const boxes = labelPositions(stock, labels.length, skip);
  const pages: PDFPage[] = [];
  // One symbol per distinct code: copies of a label are encoded once.
  const symbols = new Map<string, CodeSymbol>();
  labels.forEach((label, i) => {
    const box = boxes[i];
    while (pages.length <= box.page) pages.push(doc.addPage([stock.page.width, stock.page.height]));
    const key = `${label.code.bcid}\u0000${label.code.encode}`;
    let symbol = symbols.get(key);
    if (!symbol) symbols.set(key, (symbol = encode(label.code)));
    drawLabel(pages[box.page], box, label, symbol, fonts, stock.dot);
  });
  return doc.save({ useObjectStreams: true });
}

export type CodeSymbol =
  | { kind: '1d'; bars: number[]; modules: number }
  | { kind: '2d'; pixs: number[]; cols: number; rows: number; quiet: number };

/** The code's modules, from bwip-js. Throws LabelError when the symbology cannot carry the text. */
export function encode(code: LabelCode): CodeSymbol {
  type Raw = Array<{ sbs: number[] } | { pixs: number[]; pixx: number; pixy: number }>;
  let raw: Raw;
  try {
    raw = bwipjs.raw({
      bcid: code.bcid,
      text: code.encode,
      ...(code.bcid === 'qrcode' ? { eclevel: 'M' } : {})
    }) as Raw;
  } catch (e) {
    throw new LabelError(`${code.human}: ${code.bcid} cannot encode it (${String((e as Error).message ?? e)}).`);
  }
  const first = raw[0];
  if ('sbs' in first)
    return { kind: '1d', bars: first.sbs, modules: first.sbs.reduce((a: number, b: number) => a + b, 0) };
  return {
    kind: '2d',
    pixs: first.pixs,
    cols: first.pixx,
    rows: first.pixy,
    quiet: code.bcid === 'qrcode' ? 4 : 1
  };
}

function snap(module: number, dot: number | undefined): number {
  return dot ? Math.floor(module / dot + 1e-9) * dot : module;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a label's code goes (its dark modules, without the quiet zone), the module size, and the room left for the
 * text. Throws LabelError when the code cannot be drawn with modules of at least MIN_MODULE. */
export function placeCode(box: LabelBox, human: string, symbol: CodeSymbol, dot?: number) {
  const tall = box.height > box.width;
  const pad = Math.min(tall ? 18 : 6, box.height * 0.08, box.width * 0.05);
  const inner = { x: box.x + pad, y: box.y + pad, width: box.width - 2 * pad, height: box.height - 2 * pad };
  if (symbol.kind === '2d') {
    const across = symbol.cols + 2 * symbol.quiet;
    const down = symbol.rows + 2 * symbol.quiet;
    const room = tall
      ? Math.min(inner.width, inner.height * 0.6)
      : Math.min(inner.height, (inner.width * 0.45 * down) / across);
    const module = snap(Math.min(MAX_MODULE_2D, room / Math.max(across, down)), dot);
    if (module < MIN_MODULE)
      throw new LabelError(`${human}: too much data for a ${symbol.cols}×${symbol.rows} code on this label.`);
    // The quiet zone may lie in the label's padding: the code's own modules start at the padding's edge.
    const w = module * symbol.cols;
    const h = module * symbol.rows;
    const x = tall ? inner.x + (inner.width - w) / 2 : inner.x;
    const top = tall ? inner.y + inner.height - symbol.quiet * module : inner.y + inner.height / 2 + h / 2;
    const gap = Math.max(4, symbol.quiet * module);
    const code = { x, y: top - h, width: w, height: h, module };
    const text = tall
      ? { x: inner.x, top: code.y - gap, width: inner.width, bottom: inner.y }
      : { x: x + w + gap, top: inner.y + inner.height, width: inner.x + inner.width - (x + w + gap), bottom: inner.y };
    return { code, text, tall };
  }
  const quiet = 10;
  const module = snap(Math.min(MAX_MODULE_1D, inner.width / (symbol.modules + 2 * quiet)), dot);
  if (module < MIN_MODULE)
    throw new LabelError(`${human}: too long for Code 128 on this label; choose DataMatrix or QR.`);
  const height = tall ? Math.min(inner.height * 0.3, 110) : inner.height * 0.46;
  const w = module * symbol.modules;
  const top = inner.y + inner.height;
  const code = { x: inner.x + (inner.width - w) / 2, y: top - height, width: w, height, module };
  return { code, text: { x: inner.x, top: code.y - 2, width: inner.width, bottom: inner.y }, tall };
}

function drawLabel(page: PDFPage, box: LabelBox, label: LabelSpec, symbol: CodeSymbol, fonts: Fonts, dot?: number) {
  const { code, text, tall } = placeCode(box, label.code.human, symbol, dot);
  const scale = tall ? 2.2 : Math.min(1.4, Math.max(0.8, box.height / 72));
  if (symbol.kind === '2d') draw2d(page, symbol, code.x, code.y + code.height, code.module);
  else {
    let x = code.x;
    symbol.bars.forEach((width, i) => {
      if (i % 2 === 0)
        page.drawRectangle({ x, y: code.y, width: width * code.module, height: code.height, color: BLACK });
      x += width * code.module;
    });
  }

  const lines = [
    { text: label.title, font: fonts.bold, size: 10 * scale, max: 1 },
    ...label.lines
      .filter((l) => l.trim())
      .map((l, i) => ({ text: l, font: fonts.regular, size: 7 * scale, max: i === label.lines.length - 1 ? 3 : 1 }))
  ];
  let y = text.top;
  for (const line of lines) {
    for (const part of wrap(clean(line.text, fonts), line.font, line.size, text.width, line.max)) {
      y -= line.size * 1.05;
      if (y < text.bottom - 0.5) return;
      page.drawText(part, { x: text.x, y, size: line.size, font: line.font, color: BLACK });
      y -= line.size * 0.15;
    }
  }
}

/** Dark modules, a rectangle per run of them along each row. `top` is the top edge of the first row. */
function draw2d(page: PDFPage, s: Extract<CodeSymbol, { kind: '2d' }>, left: number, top: number, module: number) {
  for (let r = 0; r < s.rows; r++) {
    let c = 0;
    while (c < s.cols) {
      if (!s.pixs[r * s.cols + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < s.cols && s.pixs[r * s.cols + c]) c++;
      page.drawRectangle({
        x: left + start * module,
        y: top - (r + 1) * module,
        width: (c - start) * module,
        height: module,
        color: BLACK
      });
    }
  }
}

function clean(text: string, fonts: Fonts): string {
  return [...text.replace(/\s+/g, ' ').trim()]
    .map((ch) => (fonts.drawable.has(ch.codePointAt(0)!) ? ch : '?'))
    .join('');
}

/** At most `max` lines no wider than `width`; the last one cut with "…" when the text goes on. */
export function wrap(text: string, font: PDFFont, size: number, width: number, max: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  const out: string[] = [];
  let rest = text;
  while (rest && out.length < max) {
    if (fits(rest)) {
      out.push(rest);
      rest = '';
      break;
    }
    let cut = rest.length;
    while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
    const space = rest.lastIndexOf(' ', cut);
    const end = out.length < max - 1 && space > 0 ? space : cut;
    out.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(end).trimStart();
  }
  if (rest && out.length) {
    let last = out[out.length - 1];
    while (last && !fits(last + '…')) last = last.slice(0, -1);
    out[out.length - 1] = last + '…';
  }
  return out;
}
