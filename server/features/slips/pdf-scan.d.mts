// Types of pdf-scan.mjs (plain JavaScript, so the reader's worker loads it without a TypeScript loader).
export declare const PDF_LIMITS: {
  maxDecodedBytes: number;
  maxOpsPerPage: number;
  maxOpsTotal: number;
  maxDepth: number;
  maxPages: number;
  maxTextItemsPerPage: number;
  maxTextItemsTotal: number;
};
export declare class TooCostly extends Error {}
export declare function scanPdf(
  bytes: Uint8Array,
  limits?: typeof PDF_LIMITS
): { decodedBytes: number; opsTotal: number; maxOpsPerStream: number; streams: number; encrypted: boolean };
