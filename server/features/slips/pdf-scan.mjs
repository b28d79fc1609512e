// @ts-check
// What a PDF would cost pdf.js, measured before pdf.js reads it, in the reader's worker: one pass over the file's
// bytes that inflates each stream (node:zlib, with a ceiling on its output, so a Flate bomb is never held), counts the
// operators of content streams and how deep objects nest. pdf.js has no such limits of its own: it inflates a stream
// into one growing buffer outside the worker's heap limit (an 816 KB bomb took the server to 2.3 GB), and walks
// nested objects by recursion. Plain JavaScript, like the worker that imports it.
import { constants, inflateRawSync, inflateSync } from 'node:zlib';

/** The cost bounds of one PDF; a packing slip is far below every one of them. */
export const PDF_LIMITS = {
  /** Bytes all the streams a text read decodes (contents, fonts, object streams) may inflate to, together. */
  maxDecodedBytes: 32 * 1024 * 1024,
  /** Operators in one content stream: a dense slip page has a few thousand. */
  maxOpsPerPage: 20_000,
  /** Operators in all content streams of the file. */
  maxOpsTotal: 200_000,
  /** How deep arrays and dictionaries may nest. */
  maxDepth: 64,
  /** Pages a packing slip may have. */
  maxPages: 50,
  /** Text runs pdf.js may give for one page, and for the whole file (checked as pdf.js reads). */
  maxTextItemsPerPage: 20_000,
  maxTextItemsTotal: 100_000
};

/** A PDF that would cost more than a packing slip may: reported as too costly, not as damaged. */
export class TooCostly extends Error {}

const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
const regular = (/** @type {number} */ c) => !WS[c] && !DELIM[c];

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');

/**
 * Walks PDF syntax (the file, or a decoded content or object stream): nesting depth, keyword count, and at file level
 * each `stream` keyword with the dictionary before it.
 * @param {Uint8Array} b
 * @param {{ maxDepth: number, onKeyword?: (start: number, end: number) => number | void, onDict?: (start: number, end: number) => void }} h
 *   onKeyword may return where to continue (after a stream's data, or an inline image).
 */
function walk(b, h) {
  let depth = 0;
  let i = 0;
  const n = b.length;
  const deeper = () => {
    if (++depth > h.maxDepth)
      throw new TooCostly(`its objects nest more than ${h.maxDepth} levels deep; a packing slip nests a few`);
  };
  /** @type {number[]} */
  const dictStarts = [];
  while (i < n) {
    const c = b[i];
    if (WS[c]) {
      i++;
    } else if (c === 0x25) {
      // % comment, to the end of the line
      while (i < n && b[i] !== 0x0a && b[i] !== 0x0d) i++;
    } else if (c === 0x28) {
      // ( literal string ), balanced parentheses, backslash escapes
      let level = 1;
      i++;
      while (i < n && level > 0) {
        const d = b[i++];
        if (d === 0x5c) i++;
        else if (d === 0x28) level++;
        else if (d === 0x29) level--;
      }
    } else if (c === 0x3c) {
      if (b[i + 1] === 0x3c) {
        deeper();
        dictStarts.push(i);
        i += 2;
      } else {
        const end = b.indexOf(0x3e, i + 1);
        i = end < 0 ? n : end + 1;
      }
    } else if (c === 0x3e) {
      if (b[i + 1] === 0x3e) {
        depth = Math.max(0, depth - 1);
        const start = dictStarts.pop();
        i += 2;
        if (start !== undefined && dictStarts.length === 0) h.onDict?.(start, i);
      } else i++;
    } else if (c === 0x5b || c === 0x7b) {
      deeper();
      i++;
    } else if (c === 0x5d || c === 0x7d) {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (c === 0x2f) {
      i++;
      while (i < n && regular(b[i])) i++;
    } else {
      const start = i;
      while (i < n && regular(b[i])) i++;
      if (i === start)
        i++; // a stray delimiter
      else if (!isNumber(b, start, i)) {
        if (is(b, start, i, 'endobj')) {
          // An object ends: whatever it left open (a damaged file) does not count against the next one.
          depth = 0;
          dictStarts.length = 0;
        }
        const next = h.onKeyword?.(start, i);
        if (typeof next === 'number') i = Math.max(i, next);
      }
    }
  }
}

/** @param {Uint8Array} b @param {number} s @param {number} e */
function isNumber(b, s, e) {
  for (let k = s; k < e; k++) {
    const c = b[k];
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d)) return false;
  }
  return true;
}

/** @param {Uint8Array} b @param {number} s @param {number} e @param {string} word */
function is(b, s, e, word) {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (b[s + k] !== word.charCodeAt(k)) return false;
  return true;
}

const ascii = new TextDecoder('latin1');

/**
 * Operators in a content stream, and how deep it nests; inline image data (BI … ID data EI) is skipped.
 * @param {Uint8Array} b @param {number} maxDepth
 */
function countOps(b, maxDepth) {
  let ops = 0;
  let junk = 0;
  walk(b, {
    maxDepth,
    onKeyword(s, e) {
      if (is(b, s, e, 'true') || is(b, s, e, 'false') || is(b, s, e, 'null')) return;
      ops++;
      for (let k = s; k < e; k++)
        if (b[k] >= 0x80 || b[k] < 0x20) {
          junk++;
          break;
        }
      if (is(b, s, e, 'ID')) {
        // Inline image data up to the first EI that stands alone.
        for (let k = e + 1; k < b.length - 1; k++)
          if (b[k] === 0x45 && b[k + 1] === 0x49 && WS[b[k - 1]] && (k + 2 >= b.length || !regular(b[k + 2])))
            return k + 2;
        return b.length;
      }
    }
  });
  // Binary data (a sampled function, a shading, a profile) is not drawn as a page: its "keywords" are noise.
  return junk * 10 > ops * 3 ? 0 : ops;
}

/** Output with a ceiling: a decoder that would write past it stops with TooCostly. */
class Out {
  /** @param {number} max */
  constructor(max) {
    this.max = max;
    this.buf = new Uint8Array(Math.min(max, 64 * 1024));
    this.len = 0;
  }
  /** @param {number} c */
  push(c) {
    if (this.len === this.buf.length) {
      if (this.len >= this.max) throw new TooCostly('over');
      const next = new Uint8Array(Math.min(this.max, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = c;
  }
  bytes() {
    return this.buf.subarray(0, this.len);
  }
}

/** @param {Uint8Array} data @param {number} max */
function inflate(data, max) {
  const opts = { maxOutputLength: Math.max(1, max + 1), finishFlush: constants.Z_SYNC_FLUSH };
  let out;
  try {
    out = inflateSync(data, opts);
  } catch (e) {
    if (/** @type {any} */ (e).code === 'ERR_BUFFER_TOO_LARGE') throw new TooCostly('over');
    // pdf.js checks neither the header nor the checksum: decode as it would, raw, after the two header bytes.
    try {
      out = inflateRawSync(data.subarray(2), opts);
    } catch (e2) {
      if (/** @type {any} */ (e2).code === 'ERR_BUFFER_TOO_LARGE') throw new TooCostly('over');
      return new Uint8Array(0); // not Flate pdf.js can decode either: it will say so
    }
  }
  if (out.length > max) throw new TooCostly('over');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** LZW as PDF writes it (9–12 bit codes, early change 1). @param {Uint8Array} data @param {number} max */
function lzw(data, max) {
  const out = new Out(max);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const stack = new Uint8Array(4096);
  for (let k = 0; k < 256; k++) {
    prefix[k] = -1;
    suffix[k] = k;
    first[k] = k;
  }
  let next = 258;
  let width = 9;
  let prev = -1;
  let bits = 0;
  let acc = 0;
  for (let p = 0; p < data.length;) {
    while (bits < width && p < data.length) {
      acc = ((acc << 8) | data[p++]) >>> 0;
      bits += 8;
    }
    if (bits < width) break;
    const code = (acc >>> (bits - width)) & ((1 << width) - 1);
    bits -= width;
    if (code === 256) {
      next = 258;
      width = 9;
      prev = -1;
      continue;
    }
    if (code === 257) break;
    let cur = code;
    let sp = 0;
    if (code >= next) {
      if (prev < 0 || code > next) break; // damaged: pdf.js stops too
      stack[sp++] = first[prev];
      cur = prev;
    }
    while (cur >= 0 && sp < 4096) {
      stack[sp++] = suffix[cur];
      cur = prefix[cur];
    }
    const head = stack[sp - 1];
    while (sp > 0) out.push(stack[--sp]);
    if (prev >= 0 && next < 4096) {
      prefix[next] = prev;
      suffix[next] = head;
      first[next] = first[prev];
      next++;
    }
    prev = code;
    if (next + 1 >= 1 << width && width < 12) width++;
  }
  return out.bytes();
}

/** @param {Uint8Array} data @param {number} max */
function runLength(data, max) {
  const out = new Out(max);
  for (let p = 0; p < data.length;) {
    const n = data[p++];
    if (n === 128) break;
    if (n < 128) for (let k = 0; k <= n && p < data.length; k++) out.push(data[p++]);
    else {
      const c = data[p++];
      for (let k = 0; k < 257 - n; k++) out.push(c);
    }
  }
  return out.bytes();
}

/** @param {Uint8Array} data */
function asciiHex(data) {
  const out = new Out(data.length);
  let hi = -1;
  for (const c of data) {
    if (c === 0x3e) break;
    const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
    if (v < 0) continue;
    if (hi < 0) hi = v;
    else {
      out.push((hi << 4) | v);
      hi = -1;
    }
  }
  if (hi >= 0) out.push(hi << 4);
  return out.bytes();
}

/** @param {Uint8Array} data */
function ascii85(data) {
  const out = new Out(Math.ceil(data.length * 4) + 4); // 'z' is 4 bytes from 1
  let group = 0;
  let count = 0;
  for (const c of data) {
    if (c === 0x7e) break;
    if (c === 0x7a && count === 0) {
      for (let k = 0; k < 4; k++) out.push(0);
      continue;
    }
    if (c < 0x21 || c > 0x75) continue;
    group = group * 85 + (c - 0x21);
    if (++count === 5) {
      for (let k = 3; k >= 0; k--) out.push((group >>> (8 * k)) & 0xff);
      group = 0;
      count = 0;
    }
  }
  if (count > 1) {
    for (let k = count; k < 5; k++) group = group * 85 + 84;
    for (let k = 3; k > 4 - count; k--) out.push((group >>> (8 * k)) & 0xff);
  }
  return out.bytes();
}

/** The filters a stream dictionary names, in order. @param {string} dict */
function filters(dict) {
  const m = /\/Filter\s*(\[[^\]]*\]|\/[^\s/[\]<>()]+)/.exec(dict);
  if (!m) return [];
  return [...m[1].matchAll(/\/([^\s/[\]<>()]+)/g)].map((f) => f[1]);
}

/**
 * Measures a PDF against the limits; throws TooCostly (with the reason, in words) when it is over one of them.
 * Returns what it measured, for the figures.
 * @param {Uint8Array} bytes @param {typeof PDF_LIMITS} [limits]
 */
export function scanPdf(bytes, limits = PDF_LIMITS) {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let decoded = 0;
  let opsTotal = 0;
  let maxOps = 0;
  let streams = 0;
  const encrypted = isEncrypted(b);
  let lastDict = { start: -1, end: -1 };
  const overDecoded = () =>
    new TooCostly(
      `its compressed streams inflate to more than ${limits.maxDecodedBytes / 1024 / 1024} MB; a packing slip needs a few`
    );

  /** @param {string} dict @param {Uint8Array} data */
  const measure = (dict, data) => {
    streams++;
    // Images and embedded files are decoded only as far as their size says, when a page is drawn: not counted here.
    if (/\/Subtype\s*\/(Image|XML)\b|\/Type\s*\/(XObject\s*\/Subtype\s*\/Image|EmbeddedFile|Metadata)\b/.test(dict))
      return;
    if (encrypted) return; // the data is ciphertext; pdf.js's reading of it is bounded by time and heap only
    let out = data;
    for (const f of filters(dict)) {
      const left = limits.maxDecodedBytes - decoded;
      try {
        if (f === 'FlateDecode' || f === 'Fl') out = inflate(out, left);
        else if (f === 'LZWDecode' || f === 'LZW') out = lzw(out, left);
        else if (f === 'RunLengthDecode' || f === 'RL') out = runLength(out, left);
        else if (f === 'ASCIIHexDecode' || f === 'AHx') out = asciiHex(out);
        else if (f === 'ASCII85Decode' || f === 'A85') out = ascii85(out);
        else return; // an image codec: not decoded by a text read
      } catch (e) {
        if (e instanceof TooCostly && e.message === 'over') throw overDecoded();
        throw e;
      }
    }
    decoded += out.length;
    if (decoded > limits.maxDecodedBytes) throw overDecoded();
    // Object streams hold objects (their nesting counts); fonts, CMaps of other kinds and the like are not drawn.
    if (/\/Type\s*\/ObjStm\b/.test(dict)) {
      walk(out, { maxDepth: limits.maxDepth });
      return;
    }
    // Not drawn as page content: cross-reference streams, fonts, colour profiles, functions, shadings.
    if (/\/Type\s*\/XRef\b|\/Length[123]\b|\/Subtype\s*\/(?!Form\b)|\/N\s+\d|\/(Function|Shading)Type\b/.test(dict))
      return;
    const ops = countOps(out, limits.maxDepth);
    maxOps = Math.max(maxOps, ops);
    opsTotal += ops;
    if (ops > limits.maxOpsPerPage)
      throw new TooCostly(
        `a page's content has ${fmt(ops)} operations; a packing slip page may have at most ${fmt(limits.maxOpsPerPage)}`
      );
    if (opsTotal > limits.maxOpsTotal)
      throw new TooCostly(
        `its pages have more than ${fmt(limits.maxOpsTotal)} operations in all; a packing slip has far fewer`
      );
  };

  walk(b, {
    maxDepth: limits.maxDepth,
    onDict(start, end) {
      lastDict = { start, end };
    },
    onKeyword(s, e) {
      if (!is(b, s, e, 'stream')) return;
      // The data starts after the end of line that ends the keyword, and runs to `endstream`.
      let start = e;
      if (b[start] === 0x0d) start++;
      if (b[start] === 0x0a) start++;
      const dict = lastDict.end > 0 && lastDict.end <= s ? ascii.decode(b.subarray(lastDict.start, lastDict.end)) : '';
      lastDict = { start: -1, end: -1 };
      const declared = /\/Length\s+(\d+)(?!\d|\s+\d+\s+R)/.exec(dict);
      let end = -1;
      if (declared) {
        const at = start + Number(declared[1]);
        const probe = ascii.decode(b.subarray(at, Math.min(b.length, at + 12)));
        if (/^\s*endstream/.test(probe)) end = at;
      }
      if (end < 0) {
        end = b.indexOf(ENDSTREAM, start);
        if (end < 0) end = b.length;
      }
      measure(dict, b.subarray(start, end));
      return end;
    }
  });
  return { decodedBytes: decoded, opsTotal, maxOpsPerStream: maxOps, streams, encrypted };
}

const ENDSTREAM = Buffer.from('endstream');
const ENCRYPT = Buffer.from('/Encrypt');

/** A trailer (or cross-reference stream) that names an encryption dictionary. @param {Buffer} b */
function isEncrypted(b) {
  for (let at = b.indexOf(ENCRYPT); at >= 0; at = b.indexOf(ENCRYPT, at + 1))
    if (/^\/Encrypt\s*(\d+\s+\d+\s+R|<<)/.test(ascii.decode(b.subarray(at, at + 32)))) return true;
  return false;
}
