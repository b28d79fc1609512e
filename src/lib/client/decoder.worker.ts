// The Web Worker that decodes camera frames off the main thread, with the decoder core (decoder.ts).
//
//   page → worker  DecodeRequest  { id, frame: { data, width, height } (RGBA; transfer data.buffer), formats?, effort?,
//                                  confirm? }
//   worker → page  DecodeReply    { id, result: { text, format, pass, confirmed? } | null, ms }  or  { id, error }
//
// Start it with `new Worker(new URL('./decoder.worker.ts', import.meta.url), { type: 'module' })`; camera.ts does,
// and keeps one request in flight (frames that arrive meanwhile are skipped, not queued). The decoder core keeps
// @zxing/library's console output quiet while it decodes, so the worker console shows only our own errors.
import { decodeImage, type Decoded, type DecodeOptions, type RgbaImage } from './decoder';

export interface DecodeRequest extends DecodeOptions {
  id: number;
  frame: RgbaImage;
}
export type DecodeReply = { id: number; result: Decoded | null; ms: number } | { id: number; error: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeReply): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = ({ data: req }) => {
  const started = performance.now();
  try {
    const result = decodeImage(req.frame, { formats: req.formats, effort: req.effort, confirm: req.confirm });
    scope.postMessage({ id: req.id, result, ms: performance.now() - started });
  } catch (e) {
    // A malformed frame is the page's bug: answer so the page never waits forever on this id.
    scope.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
  }
};
