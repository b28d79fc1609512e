// What a file is, from its first bytes rather than its name: a photo renamed to .pdf is still a photo.

export type SlipContentType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic';

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/** The content type the bytes announce, or null when they are none of the kinds a slip may be. */
export function sniffSlipFile(bytes: Uint8Array): SlipContentType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  // HEIF: an ISO media 'ftyp' box whose brand is one of the HEIC/HEIF family.
  if (
    bytes.length >= 12 &&
    ascii(bytes, 4, 8) === 'ftyp' &&
    /^(heic|heix|heim|heis|hevc|hevx|mif1|msf1)$/.test(ascii(bytes, 8, 12))
  )
    return 'image/heic';
  // PDF readers accept the header anywhere in the first KiB (after the image signatures, which are exact).
  if (ascii(bytes, 0, Math.min(bytes.length, 1024)).includes('%PDF-')) return 'application/pdf';
  return null;
}

const NAMES: Record<SlipContentType, string> = {
  'application/pdf': 'a PDF',
  'image/jpeg': 'a JPEG image',
  'image/png': 'a PNG image',
  'image/webp': 'a WebP image',
  'image/heic': 'a HEIC image'
};
export const describeType = (type: SlipContentType) => NAMES[type];

const BY_EXTENSION: Record<string, SlipContentType> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heic'
};

/** What a file claims to be, by its declared type or else its name; null when it claims nothing we know. */
export function claimedType(name: string, declared: string): SlipContentType | null {
  const type = declared.split(';')[0].trim().toLowerCase();
  if (type === 'image/heif') return 'image/heic';
  if (type in NAMES) return type as SlipContentType;
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1].toLowerCase();
  return ext ? (BY_EXTENSION[ext] ?? null) : null;
}
