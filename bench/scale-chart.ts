// The scale bench's chart: time against events, one line per figure, as a standalone SVG the README can show. The
// time axis is logarithmic, so a 2 ms read and a 20 s audit are both seen, and a line's slope says how it grows:
// flat is O(1) in events, a rise of one decade per decade of events is O(events).

export interface Series {
  label: string;
  /** [events, ms] in ascending events. */
  points: [number, number][];
}

const W = 980;
const H = 420;
const PAD = { left: 70, right: 440, top: 40, bottom: 50 };
const COLOURS = ['#1f3a5f', '#b3261e', '#1b5e20', '#8a3c00', '#5c2d91', '#0b6e79', '#7a5c00', '#444'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmtEvents = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const fmtMs = (ms: number) =>
  ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${Math.round(ms * 10) / 10} ms`;

export function scaleChart(title: string, series: Series[]): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => y > 0);
  const lo = Math.floor(Math.log10(Math.min(...ys)));
  const hi = Math.ceil(Math.log10(Math.max(...ys)));
  const xMax = Math.max(...xs);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (v: number) => PAD.left + (v / xMax) * plotW;
  const y = (v: number) => PAD.top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo || 1)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="22" font-size="15" font-weight="700">${esc(title)}</text>`
  ];
  for (let d = lo; d <= hi; d++) {
    const v = 10 ** d;
    out.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#dde2e8"/>`,
      `<text x="${PAD.left - 8}" y="${y(v) + 4}" text-anchor="end">${fmtMs(v)}</text>`
    );
  }
  for (const v of xs)
    out.push(
      `<line x1="${x(v)}" x2="${x(v)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#dde2e8"/>`,
      `<text x="${x(v)}" y="${PAD.top + plotH + 18}" text-anchor="middle">${fmtEvents(v)}</text>`
    );
  out.push(
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#333"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#333"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${H - 10}" text-anchor="middle">scan events in the database</text>`,
    `<text transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">time (log scale)</text>`
  );
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const p of pts) {
      const [cx, cy] = p.split(',');
      out.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${c}"/>`);
    }
    const ly = PAD.top + 10 + i * 20;
    const last = s.points.at(-1)?.[1];
    out.push(
      `<line x1="${W - PAD.right + 16}" x2="${W - PAD.right + 36}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"/>`,
      `<text x="${W - PAD.right + 42}" y="${ly + 4}">${esc(s.label)}${last === undefined ? '' : ` (${fmtMs(last)})`}</text>`
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
