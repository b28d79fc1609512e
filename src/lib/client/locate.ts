// Where in a frame a barcode may be, and the scan lines across it: pure pixel work for the decoder (decoder.ts).
//
//   locateCodes(grey)              → Region[]: the busiest patches of the frame, each with its bars' direction
//   scanLines(grey, region)        → the luminance profiles across a region, perpendicular to its bars
//   binariseProfile(profile)       → bars (true) and spaces, against a threshold that follows the local light
//   looksLikeCode(grey, region)    → whether the patch is inked like a code (not label text, an edge or tape)
//
// The frame is cut into 16×16 blocks; each block sums its gradient's structure tensor (gx², gy², gx·gy). A block far
// above the frame's median energy is busy; 8-connected busy blocks form a region. Its summed tensor gives the
// direction across the bars (the dominant gradient direction) and how one-directional its edges are (coherence:
// near 1 for the bars of a 1-D code, low for the modules of a QR or DataMatrix). A frame of bare paper has no busy
// block and costs one gradient pass (about 1-2 ms at 640×480).
//
// Why: @zxing/library's 1-D readers, without TRY_HARDER, scan 15 rows about the middle of the image with one
// threshold per row, and its DataMatrix detector grows a white rectangle from the image centre. A code off the
// middle, tilted past a few degrees, under a light falloff, or a DataMatrix off the centre, is missed. Scan lines
// laid across the located bars at their own angle, sampled at half-pixel steps (small modules) and thresholded
// against a local envelope (uneven light), and 2-D readers given a crop centred on the located patch, read them.

export interface Grey {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface Region {
  /** Bounding box in pixels. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Unit vector across the bars (the dominant gradient direction). */
  dx: number;
  dy: number;
  /** 0..1: how one-directional the region's edges are (1-D bars near 1). */
  coherence: number;
  /** Unit vector along the region's long side, and how much longer than wide it is: a 1-D code seen at an angle
   * has its bars sheared, so its long side, not the gradient, is the way across its bars. */
  ax: number;
  ay: number;
  elongation: number;
  /** Blocks in the region. */
  blocks: number;
  /** The centres of its blocks, for laying scan lines over the region itself rather than its bounding box. */
  cells: [number, number][];
}

const BLOCK = 16;

export function locateCodes(grey: Grey, maxRegions = 3): Region[] {
  return locate(grey, maxRegions).regions;
}

/**
 * The regions (every busy patch: 2-D codes are read from these), the bar regions (coherent blocks whose bars run
 * the same way: 1-D codes are scanned across these), and how many blocks are at least faintly busy (above twice the median energy and the floor): a
 * low-contrast code under heavy sensor noise may form no region at three times the median yet still have faint
 * blocks, and a decoder that skips a frame with no faint block at all (its gate) must not skip that one.
 */
export function locate(grey: Grey, maxRegions = 3): { regions: Region[]; bars: Region[]; faint: number } {
  const { data, width: w, height: h } = grey;
  const bw = Math.floor(w / BLOCK),
    bh = Math.floor(h / BLOCK);
  const n = bw * bh;
  const sxx = new Float64Array(n),
    syy = new Float64Array(n),
    sxy = new Float64Array(n);
  // Every other pixel of every other row: a quarter of the work, and still every edge of a bar a block holds.
  for (let by = 0; by < bh; by++)
    for (let bx = 0; bx < bw; bx++) {
      let xx = 0,
        yy = 0,
        xy = 0;
      const ys = Math.max(1, by * BLOCK),
        ye = Math.min(h - 1, (by + 1) * BLOCK);
      const xs = Math.max(1, bx * BLOCK),
        xe = Math.min(w - 1, (bx + 1) * BLOCK);
      for (let y = ys; y < ye; y += 2)
        for (let x = xs, i = y * w + xs; x < xe; x += 2, i += 2) {
          const gx = data[i + 1] - data[i - 1];
          const gy = data[i + w] - data[i - w];
          xx += gx * gx;
          yy += gy * gy;
          xy += gx * gy;
        }
      const b = by * bw + bx;
      sxx[b] = xx;
      syy[b] = yy;
      sxy[b] = xy;
    }
  const energy = new Float64Array(n);
  for (let b = 0; b < n; b++) energy[b] = sxx[b] + syy[b];
  const sorted = Float64Array.from(energy).sort();
  const median = sorted[n >> 1];
  // Busy: well above the frame's own background (noise, paper grain) and above a floor a flat frame never reaches
  // (a mean gradient of about 9 grey levels a pixel).
  const floor = Math.max(3 * median, (80 * BLOCK * BLOCK) / 4);
  const busy = new Uint8Array(n);
  const faintFloor = Math.max(2 * median, (80 * BLOCK * BLOCK) / 4);
  let faint = 0;
  for (let b = 0; b < n; b++) {
    busy[b] = energy[b] > floor ? 1 : 0;
    if (energy[b] > faintFloor) faint++;
  }
  const tensor = { sxx, syy, sxy, energy, bw, bh };
  const regions = components(tensor, busy, () => true);
  // Bars: the coherent blocks only, joined where their bars run the same way (within 20°). Text, a carton's edge or
  // tape beside a 1-D code would otherwise join its region and pull the direction its scan lines take off the bars'.
  const angle = new Float64Array(n);
  const barBusy = new Uint8Array(n);
  for (let b = 0; b < n; b++) {
    angle[b] = 0.5 * Math.atan2(2 * sxy[b], sxx[b] - syy[b]);
    const coh = Math.sqrt((sxx[b] - syy[b]) ** 2 + 4 * sxy[b] ** 2) / (energy[b] || 1);
    barBusy[b] = busy[b] && coh > 0.6 ? 1 : 0;
  }
  const alike = (p: number, q: number) => {
    const d = Math.abs(angle[p] - angle[q]) % Math.PI;
    return Math.min(d, Math.PI - d) < (20 * Math.PI) / 180;
  };
  const bars = components(tensor, barBusy, (p, q) => !barBusy[p] || !barBusy[q] || alike(p, q));
  const best = (rs: (Region & { energy: number })[]) =>
    rs
      .sort((a, b) => b.energy - a.energy)
      .slice(0, maxRegions)
      .map(({ energy: _e, ...r }) => r);
  return { regions: best(regions), bars: best(bars), faint };
}

interface Tensor {
  sxx: Float64Array;
  syy: Float64Array;
  sxy: Float64Array;
  energy: Float64Array;
  bw: number;
  bh: number;
}

/** The 8-connected regions of busy blocks (one-block gaps bridged), neighbours joined only where `join` allows. */
function components(
  t: Tensor,
  busy: Uint8Array,
  join: (a: number, b: number) => boolean
): (Region & { energy: number })[] {
  const { sxx, syy, sxy, energy, bw, bh } = t;
  const n = bw * bh;
  // Bridge one-block gaps (a wide space between bars, a blank module row of a 2-D code).
  const grown = Uint8Array.from(busy);
  for (let by = 0; by < bh; by++)
    for (let bx = 0; bx < bw; bx++) {
      const b = by * bw + bx;
      if (busy[b]) continue;
      const l = bx > 0 && busy[b - 1],
        r = bx < bw - 1 && busy[b + 1],
        u = by > 0 && busy[b - bw],
        d = by < bh - 1 && busy[b + bw];
      if ((l && r) || (u && d)) grown[b] = 1;
    }
  const label = new Int32Array(n).fill(-1);
  const regions: (Region & { energy: number })[] = [];
  const stack: number[] = [];
  for (let start = 0; start < n; start++) {
    if (!grown[start] || label[start] >= 0) continue;
    const id = regions.length;
    const members: number[] = [];
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const b = stack.pop()!;
      members.push(b);
      const bx = b % bw,
        by = (b / bw) | 0;
      for (let oy = -1; oy <= 1; oy++)
        for (let ox = -1; ox <= 1; ox++) {
          const nx = bx + ox,
            ny = by + oy;
          if (nx < 0 || ny < 0 || nx >= bw || ny >= bh) continue;
          const nb = ny * bw + nx;
          if (grown[nb] && label[nb] < 0 && join(b, nb)) {
            label[nb] = id;
            stack.push(nb);
          }
        }
    }
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -1,
      y1 = -1,
      txx = 0,
      tyy = 0,
      txy = 0,
      e = 0;
    const cells: [number, number][] = [];
    for (const b of members) {
      const bx = b % bw,
        by = (b / bw) | 0;
      x0 = Math.min(x0, bx);
      y0 = Math.min(y0, by);
      x1 = Math.max(x1, bx);
      y1 = Math.max(y1, by);
      txx += sxx[b];
      tyy += syy[b];
      txy += sxy[b];
      e += energy[b];
      cells.push([bx * BLOCK + BLOCK / 2, by * BLOCK + BLOCK / 2]);
    }
    if (cells.length < 2) continue;
    const theta = 0.5 * Math.atan2(2 * txy, txx - tyy);
    let mx = 0,
      my = 0;
    for (const [x, y] of cells) {
      mx += x / cells.length;
      my += y / cells.length;
    }
    let cxx = 0,
      cyy = 0,
      cxy = 0;
    for (const [x, y] of cells) {
      cxx += (x - mx) ** 2;
      cyy += (y - my) ** 2;
      cxy += (x - mx) * (y - my);
    }
    const phi = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
    const spread = Math.sqrt((cxx - cyy) ** 2 + 4 * cxy * cxy);
    const elongation = Math.sqrt((cxx + cyy + spread) / Math.max(cxx + cyy - spread, 1e-9));
    const coherence = Math.sqrt((txx - tyy) ** 2 + 4 * txy * txy) / (txx + tyy || 1);
    regions.push({
      x0: x0 * BLOCK,
      y0: y0 * BLOCK,
      x1: (x1 + 1) * BLOCK,
      y1: (y1 + 1) * BLOCK,
      dx: Math.cos(theta),
      dy: Math.sin(theta),
      coherence,
      ax: Math.cos(phi),
      ay: Math.sin(phi),
      elongation,
      blocks: cells.length,
      cells,
      energy: e
    });
  }
  return regions;
}

export interface ScanLine {
  /** Luminance samples along the line, every half pixel. */
  profile: Float32Array;
  /** Which line of the region this is (its offset across the bars' length, in pixels). */
  offset: number;
}

/** Lines across the region's bars (along dx, dy, or with `alongAxis` along its long side ax, ay) at `count` offsets over its extent along the bars, each running the
 * region's length across the bars plus a quiet-zone margin either side, sampled bilinearly every half pixel. */
export function scanLines(grey: Grey, region: Region, count = 7, angle = 0, alongAxis = false): ScanLine[] {
  const a = Math.atan2(alongAxis ? region.ay : region.dy, alongAxis ? region.ax : region.dx) + (angle * Math.PI) / 180;
  const dx = Math.cos(a),
    dy = Math.sin(a);
  const nx = -dy,
    ny = dx;
  // The five points averaged per sample run along the bars. A line along the long side of a sheared code crosses its
  // bars at a slant: averaged along the line's normal, each point would sit on a different part of a bar, smearing
  // narrow modules; along the bars (the located gradient's normal) each point sees the same bar.
  const bx = alongAxis ? -region.dy : nx,
    by = alongAxis ? region.dx : ny;
  // The region's extent along the line (u) and across it (v), from its block centres.
  let u0 = Infinity,
    u1 = -Infinity,
    v0 = Infinity,
    v1 = -Infinity;
  for (const [x, y] of region.cells) {
    const u = x * dx + y * dy,
      v = x * nx + y * ny;
    u0 = Math.min(u0, u);
    u1 = Math.max(u1, u);
    v0 = Math.min(v0, v);
    v1 = Math.max(v1, v);
  }
  const margin = BLOCK + 0.12 * (u1 - u0);
  u0 -= margin;
  u1 += margin;
  const out: ScanLine[] = [];
  const { data, width: w, height: h } = grey;
  for (let k = 0; k < count; k++) {
    const v = count === 1 ? (v0 + v1) / 2 : v0 + ((v1 - v0) * (k + 0.5)) / count;
    const len = Math.max(0, Math.floor((u1 - u0) * 2));
    const profile = new Float32Array(len);
    for (let s = 0; s < len; s++) {
      const u = u0 + s / 2;
      const x = u * dx + v * nx,
        y = u * dy + v * ny;
      if (x < 0 || y < 0 || x >= w - 1 || y >= h - 1) {
        profile[s] = NaN;
        continue;
      }
      // The mean of five points along the bar (a pixel apart): sensor noise averages out, the bar's edge does not.
      let sum = 0,
        got = 0;
      for (let t = -2; t <= 2; t++) {
        const px = x + t * bx,
          py = y + t * by;
        if (px < 0 || py < 0 || px >= w - 1 || py >= h - 1) continue;
        const ix = px | 0,
          iy = py | 0,
          fx = px - ix,
          fy = py - iy;
        const i = iy * w + ix;
        sum +=
          (data[i] * (1 - fx) + data[i + 1] * fx) * (1 - fy) + (data[i + w] * (1 - fx) + data[i + w + 1] * fx) * fy;
        got++;
      }
      profile[s] = sum / got;
    }
    out.push({ profile: trimOutside(profile), offset: Math.round(v) });
  }
  return out;
}

/** The profile with its edges steepened (an unsharp mask over 5 samples): a one-module space that blur has half
 * filled comes back above the threshold. */
export function sharpenProfile(p: Float32Array, amount = 1, r = 2): Float32Array {
  const n = p.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0,
      k = 0;
    for (let j = Math.max(0, i - r); j <= Math.min(n - 1, i + r); j++, k++) sum += p[j];
    out[i] = p[i] + amount * (p[i] - sum / k);
  }
  return out;
}

/** Samples that fell outside the frame (NaN) at either end dropped; inside ones copied from their neighbours. */
function trimOutside(p: Float32Array): Float32Array {
  let a = 0,
    b = p.length;
  while (a < b && Number.isNaN(p[a])) a++;
  while (b > a && Number.isNaN(p[b - 1])) b--;
  const out = p.slice(a, b);
  for (let i = 1; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = out[i - 1];
  return out;
}

/**
 * Bars (true) and spaces: each sample against the midpoint of the darkest and lightest samples within `radius`
 * (a light falloff or a glare spot moves both), once the two differ by at least `minContrast`; where they do not
 * (bare paper, the quiet zone), the sample is a space. The envelope is itself smoothed so one noisy sample does not
 * move it.
 */
export function binariseProfile(p: Float32Array, radius = 24, minContrast = 18): boolean[] {
  const n = p.length;
  // Paper noise must not read as bars in the quiet zone (Code 128 and EAN need one): a local swing counts only when it
  // is a good share of the line's whole range (the code's own contrast).
  const sorted = Float32Array.from(p).sort();
  const range = sorted[Math.floor(n * 0.95)] - sorted[Math.floor(n * 0.05)];
  minContrast = Math.max(minContrast, 0.4 * range);
  const lo = slidingExtreme(p, radius, Math.min),
    hi = slidingExtreme(p, radius, Math.max);
  const out = new Array<boolean>(n);
  for (let i = 0; i < n; i++) out[i] = hi[i] - lo[i] >= minContrast && p[i] < (hi[i] + lo[i]) / 2;
  return out;
}

function slidingExtreme(p: Float32Array, r: number, pick: (a: number, b: number) => number): Float32Array {
  // The extreme of each window [i - r, i + r] from a monotonic queue of indices: O(n) whatever r, where a scan of every
  // window cost O(n·r) and was the located pass's largest cost on a frame of printed text.
  const n = p.length;
  const out = new Float32Array(n);
  const max = pick(0, 1) === 1;
  const queue = new Int32Array(n);
  let head = 0,
    tail = 0;
  for (let j = 0, i = -r; i < n; j++, i++) {
    if (j < n) {
      const v = p[j];
      while (tail > head && (max ? p[queue[tail - 1]] <= v : p[queue[tail - 1]] >= v)) tail--;
      queue[tail++] = j;
    }
    if (i < 0) continue;
    while (queue[head] < i - r) head++;
    out[i] = p[queue[head]];
  }
  return out;
}

/**
 * A Code 128 line redrawn with whole modules, read edge to edge: each symbol character (six runs, eleven modules)
 * measured by the distances between like edges (bar + space pairs), which blur and ink spread leave alone although
 * they widen every bar and narrow every space; the stop pattern drawn as it is defined. @zxing/library's Code 128
 * reader matches raw run widths, so a consistent spread can turn a character into its neighbour and fail the check
 * (ZXing C++ reads edge to edge). The redrawn line still goes through the reader and its mod-103 check. null: the
 * runs from the first bar after a quiet zone do not make whole characters and a stop pattern.
 */
export function regulariseCode128(bits: boolean[]): boolean[] | null {
  const runs: number[] = [];
  const dark: boolean[] = [];
  for (let i = 0; i < bits.length;) {
    let j = i;
    while (j < bits.length && bits[j] === bits[i]) j++;
    runs.push(j - i);
    dark.push(bits[i]);
    i = j;
  }
  for (let s = 1; s + 13 < runs.length; s++) {
    if (!dark[s]) continue;
    const module = (runs[s] + runs[s + 1] + runs[s + 2] + runs[s + 3] + runs[s + 4] + runs[s + 5]) / 11;
    if (runs[s - 1] < 5 * module) continue; // the quiet zone before a start character
    // Runs up to the quiet zone after the stop pattern.
    let e = s;
    while (e < runs.length && !(e > s && !dark[e] && runs[e] > 6 * module)) e++;
    const n = e - s;
    if (n < 6 + 6 + 7 || (n - 7) % 6 !== 0) continue;
    const out: number[] = [];
    let ok = true;
    for (let c = s; c < e - 7 && ok; c += 6) {
      const r = runs.slice(c, c + 6);
      const m = r.reduce((a, b) => a + b, 0) / 11;
      const edges = [0, 1, 2, 3].map((i) => Math.round((r[i] + r[i + 1]) / m));
      let best: number[] | null = null,
        bestErr = Infinity;
      for (let r0 = 1; r0 <= 4; r0++) {
        const w = [r0];
        for (let i = 0; i < 4; i++) w.push(edges[i] - w[i]);
        w.push(11 - w.reduce((a, b) => a + b, 0));
        if (w.some((x) => x < 1 || x > 4)) continue;
        const err = w.reduce((a, x, i) => a + Math.abs(x - r[i] / m), 0);
        if (err < bestErr) {
          bestErr = err;
          best = w;
        }
      }
      if (!best) ok = false;
      else out.push(...best);
    }
    if (!ok) continue;
    out.push(2, 3, 3, 1, 1, 1, 2);
    const SCALE = 4;
    const line: boolean[] = new Array<boolean>(12 * SCALE).fill(false);
    out.forEach((w, i) => {
      for (let k = 0; k < w * SCALE; k++) line.push(i % 2 === 0);
    });
    for (let k = 0; k < 12 * SCALE; k++) line.push(false);
    return line;
  }
  return null;
}

/**
 * How many of the region's 16×16 blocks are inked the way a code's are: over a fifth of their pixels on an edge (a
 * gradient of 20 grey levels or more) and over 35 % of them darker than the block's mid-range. Bars and modules
 * cover about half of the paper they stand on; the strokes of label text, a carton's edge or tape cover little of
 * theirs, however busy their gradients are. With `scale` 2 or 4 the blocks are 32 or 64 pixels, every 2nd or 4th
 * pixel read: a code held close has modules too big for a 16-pixel block to see more than one edge of. Returns the
 * inked blocks and all the blocks the region covers at that scale.
 */
export function inkedBlocks(grey: Grey, region: Region, scale = 1): { inked: number; blocks: number } {
  const { data, width: w, height: h } = grey;
  const side = BLOCK * scale;
  const seen = new Set<number>();
  let inked = 0;
  for (const [cx, cy] of region.cells) {
    const bx = Math.floor(cx / side),
      by = Math.floor(cy / side);
    if (seen.has(by * w + bx)) continue;
    seen.add(by * w + bx);
    const xs = Math.max(scale, bx * side),
      xe = Math.min(w - scale, (bx + 1) * side),
      ys = Math.max(scale, by * side),
      ye = Math.min(h - scale, (by + 1) * side);
    let lo = 255,
      hi = 0,
      edges = 0,
      n = 0;
    for (let y = ys; y < ye; y += scale)
      for (let x = xs, i = y * w + xs; x < xe; x += scale, i += scale) {
        const v = data[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        const gx = data[i + scale] - data[i - scale],
          gy = data[i + scale * w] - data[i - scale * w];
        if (gx * gx + gy * gy >= 400) edges++;
        n++;
      }
    if (edges <= 0.2 * n) continue;
    const mid = (lo + hi) / 2;
    let dark = 0;
    for (let y = ys; y < ye; y += scale)
      for (let x = xs, i = y * w + xs; x < xe; x += scale, i += scale) if (data[i] < mid) dark++;
    if (dark > 0.35 * n) inked++;
  }
  return { inked, blocks: seen.size };
}

/** Whether a located patch could hold a code: 18 inked blocks (inkedBlocks) or more, or 6 and more making up 40 % of
 * a smaller patch. Measured on both seeds of the frame corpus: every patch a code was read from had 7 or more inked
 * blocks making up at least 46 % of it, or 27 or more; 4 of the 128 patches located on the 30 cluttered no-code frames
 * (noCodeFrames) pass, by their number of inked blocks (18 to 38), none by its share. A patch that does not is looked
 * at again in blocks of 32 and 64 pixels (a code held close: modules of 10 pixels and more): 6 inked blocks there,
 * making up 15 % of it, where no located patch of 60 cluttered frames (two seeds) had more than 4. */
export function looksLikeCode(grey: Grey, region: Region): boolean {
  const { inked } = inkedBlocks(grey, region);
  if (inked >= 18 || (inked >= 6 && inked >= 0.4 * region.blocks)) return true;
  for (const scale of [2, 4]) {
    const at = inkedBlocks(grey, region, scale);
    if (at.inked >= 6 && at.inked >= 0.15 * at.blocks) return true;
  }
  return false;
}
