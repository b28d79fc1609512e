// Packing slips as the tablet, the server and the parsers share them: the text layer read from a PDF, the lines read
// from a slip, and the lines a person confirmed before receiving.
import { z } from 'zod';
import { itemId, MAX_QTY } from './events';

export const SLIP_STATUSES = ['captured', 'uploaded', 'parsed', 'failed', 'received'] as const;
export type SlipStatus = (typeof SLIP_STATUSES)[number];
export const PARSERS = ['digital', 'model', 'ocr', 'manual'] as const;
export type Parser = (typeof PARSERS)[number];

export const MAX_SLIP_BYTES = 20 * 1024 * 1024;
export const MAX_SLIP_FILES = 10;
export const MAX_SLIP_LINES = 500;

const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'must not contain control characters');

/** One positioned run of text; y is the baseline measured from the top of the page, in PDF points. */
export const textItemSchema = z.strictObject({
  s: text(1000),
  x: z.number().finite(),
  y: z.number().finite(),
  w: z.number().finite().min(0),
  h: z.number().finite().min(0)
});
export type TextItem = z.infer<typeof textItemSchema>;

export const textPageSchema = z.strictObject({
  width: z.number().finite().positive(),
  height: z.number().finite().positive(),
  items: z.array(textItemSchema).max(20_000)
});
export type TextPage = z.infer<typeof textPageSchema>;

export const textLayerSchema = z.array(textPageSchema).max(200);
export type TextLayer = z.infer<typeof textLayerSchema>;

export interface ParsedLine {
  supplier_part: string | null;
  item_id?: string | null;
  description: string;
  qty: number;
  unit: string | null;
  lot: string | null;
  confidence: number; // 0..1: below UNSURE the review screen highlights the line
}

export interface ParsedSlip {
  supplier: string | null;
  slip_number: string | null;
  po_number: string | null;
  date: string | null; // YYYY-MM-DD
  lines: ParsedLine[];
}

export const UNSURE = 0.8;

export const emptySlip = (): ParsedSlip => ({
  supplier: null,
  slip_number: null,
  po_number: null,
  date: null,
  lines: []
});

/** A line as a person confirmed it on the review screen: what will be received. */
export const reviewedLineSchema = z.strictObject({
  supplier_part: text(64).trim().nullish(),
  item_id: itemId.nullish(),
  description: text(500).default(''),
  qty: z.number().int('must be a whole number').positive('must be greater than 0').max(MAX_QTY),
  unit: text(16).trim().nullish(),
  lot: text(64).trim().nullish(),
  confidence: z.number().min(0).max(1).default(1)
});
export type ReviewedLine = z.infer<typeof reviewedLineSchema>;

const isoDate = z.iso.date({ message: 'must be a date as YYYY-MM-DD' });

export const reviewSchema = z.strictObject({
  supplier: text(200).trim().nullish(),
  slip_number: text(64).trim().nullish(),
  po_number: text(64).trim().nullish(),
  date: isoDate.nullish(),
  lines: z.array(reviewedLineSchema).max(MAX_SLIP_LINES, `at most ${MAX_SLIP_LINES} lines`)
});
export type Review = z.infer<typeof reviewSchema>;
