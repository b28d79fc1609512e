// The camera scanner: preview in a <video>, frames decoded off the main thread, each code reported once.
//
//   const cam = createCamera({ video, onScan: ({ text, format, via }) => …, onError: (message) => … });
//   await cam.start();            rear camera by default, or the one chosen before (remembered in localStorage)
//   cam.again();                  count the code in view once more (otherwise the same code is ignored until it has
//                                 been out of sight for repeatWindowMs, default 1.5 s)
//   await cam.listCameras(); await cam.chooseCamera(deviceId);
//   cam.torchAvailable; await cam.setTorch(true);     only where the track reports a torch
//   await cam.focusAt(x, y);      tap to focus, x/y in 0..1 of the preview; false where unsupported
//   cam.stop(); cam.destroy();
//
// Acceptance (acceptance.ts): a code is reported only when two decodes agree: two passes of the worker over one
// frame, or two frames close together. One stray decode is never a scan. Which formats are read is a station
// setting (scanFormats(), on the settings page): the 1-D symbologies the plant uses, plus QR and DataMatrix.
//
// Decoding: the browser's BarcodeDetector where it has one for our formats (Android Chrome; absent on desktop Linux
// and Windows Chromium and on iPad Safari), else decoder.worker.ts with @zxing/library on frames grabbed at about
// 640×480, every other one a centre crop at full resolution when the camera gives more. One decode is in flight at
// a time: a frame is grabbed only when the last answer is back. The camera is stopped while the page is hidden and
// started again when it shows, if it was running.
// Types only: @zxing/library stays in the worker's bundle, out of the page's initial JavaScript.
import { createAcceptance } from './acceptance';
import type { ScanFormat } from './decoder';
import type { DecodeReply, DecodeRequest } from './decoder.worker';

interface CameraScan {
  text: string;
  format: string;
  via: 'native' | 'zxing';
}

interface CameraOptions {
  video: HTMLVideoElement;
  onScan(scan: CameraScan): void;
  onError?(message: string): void;
  /** The same code is not reported again until it has been out of sight this long. Default 1500 ms. */
  repeatWindowMs?: number;
  /** Default: the station setting, scanFormats(). */
  formats?: readonly ScanFormat[];
  /** Pause between decode attempts; 0 decodes as fast as one request in flight allows. */
  frameGapMs?: number;
  /** false: always use the ZXing worker (tests, and comparing the two). */
  useNative?: boolean;
  /** Where the chosen camera is remembered. Default localStorage. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

export interface Camera {
  start(): Promise<void>;
  stop(): void;
  again(): void;
  listCameras(): Promise<MediaDeviceInfo[]>;
  chooseCamera(deviceId: string): Promise<void>;
  readonly running: boolean;
  readonly torchAvailable: boolean;
  setTorch(on: boolean): Promise<boolean>;
  focusAt(x: number, y: number): Promise<boolean>;
  destroy(): void;
}

const CAMERA_STORAGE_KEY = 'linesync.camera';
/** decoder.ts DEFAULT_SCAN_FORMATS and SCAN_FORMATS, copied so the page need not load @zxing/library
 * (decoder.test.ts checks they stay the same). */
export const CAMERA_FORMATS: readonly ScanFormat[] = ['code_128', 'ean_13', 'ean_8', 'upc_a', 'qr_code', 'data_matrix'];
export const FORMAT_LABELS: Record<ScanFormat, string> = {
  code_128: 'Code 128 (and GS1-128)',
  ean_13: 'EAN-13',
  ean_8: 'EAN-8',
  upc_a: 'UPC-A',
  qr_code: 'QR code',
  data_matrix: 'DataMatrix',
  code_39: 'Code 39',
  code_93: 'Code 93',
  itf: 'ITF (Interleaved 2 of 5)',
  codabar: 'Codabar'
};
export const ALL_CAMERA_FORMATS = Object.keys(FORMAT_LABELS) as ScanFormat[];
const FORMATS_KEY = 'linesync:scan-formats';

/** The station setting "formats the camera reads", kept per browser (this tablet) beside the other station
 * settings; CAMERA_FORMATS until a supervisor changes it. Unknown names in storage are dropped. */
export function scanFormats(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ScanFormat[] {
  try {
    const raw = storage?.getItem(FORMATS_KEY);
    if (raw) {
      const list: unknown = JSON.parse(raw);
      const known = Array.isArray(list) ? ALL_CAMERA_FORMATS.filter((f) => list.includes(f)) : [];
      if (known.length) return known;
    }
  } catch {
    // Storage blocked or a hand-edited value: the default.
  }
  return [...CAMERA_FORMATS];
}

/** Saves the setting; an empty list is refused (the camera would read nothing), and false says it was not kept. */
export function setScanFormats(
  formats: readonly ScanFormat[],
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage
): boolean {
  const known = ALL_CAMERA_FORMATS.filter((f) => formats.includes(f));
  if (!known.length || !storage) return false;
  try {
    storage.setItem(FORMATS_KEY, JSON.stringify(known));
    return true;
  } catch {
    return false;
  }
}
const GRAB_WIDTH = 640;
const GRAB_HEIGHT = 480;

/**
 * Reports each code once while it stays in view: a code counts again only after it has been unseen for windowMs,
 * or after again(). Pure, so it is tested on its own.
 */
export function createRepeatFilter(windowMs = 1500, now: () => number = () => performance.now()) {
  const lastSeen = new Map<string, number>();
  let forceNext = false;
  return {
    /** true when this sighting is a new scan. */
    accept(text: string): boolean {
      const t = now();
      const seen = lastSeen.get(text);
      const repeat = seen !== undefined && t - seen < windowMs && !forceNext;
      lastSeen.set(text, t);
      forceNext = false;
      for (const [k, v] of lastSeen) if (t - v >= windowMs) lastSeen.delete(k);
      return !repeat;
    },
    /** The next sighting counts even if it repeats the last code. */
    again() {
      forceNext = true;
    }
  };
}

// Not every DOM lib knows these: the Image Capture extensions of MediaTrackCapabilities and BarcodeDetector.
interface TrackExtras {
  torch?: boolean;
  focusMode?: string[];
  pointsOfInterest?: unknown;
}
interface NativeDetector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string; format: string }[]>;
}
interface NativeDetectorClass {
  new (options: { formats: string[] }): NativeDetector;
  getSupportedFormats(): Promise<string[]>;
}

export function createCamera(options: CameraOptions): Camera {
  const { video } = options;
  const formats = options.formats ?? scanFormats();
  const storage = options.storage ?? (typeof localStorage !== 'undefined' ? localStorage : undefined);
  const filter = createRepeatFilter(options.repeatWindowMs ?? 1500);
  const acceptance = createAcceptance();
  const report = (message: string) => options.onError?.(message);

  let stream: MediaStream | null = null;
  let track: MediaStreamTrack | null = null;
  let wanted = false; // start() called and stop() not: resume when the page shows again
  let loopToken = 0;
  let worker: Worker | null = null;
  let native: NativeDetector | null | undefined; // undefined: not probed yet
  let nextId = 1;
  const pending = new Map<number, (reply: DecodeReply) => void>();
  let canvas: HTMLCanvasElement | OffscreenCanvas | null = null;

  function getWorker(): Worker {
    if (!worker) {
      worker = new Worker(new URL('./decoder.worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (e: MessageEvent<DecodeReply>) => {
        pending.get(e.data.id)?.(e.data);
        pending.delete(e.data.id);
      };
      worker.onerror = (e) => {
        report(`The barcode decoder stopped: ${e.message || 'worker error'}. Reload the page.`);
        for (const done of pending.values()) done({ id: 0, error: 'worker failed' });
        pending.clear();
        worker = null;
      };
    }
    return worker;
  }

  async function probeNative(): Promise<NativeDetector | null> {
    if (options.useNative === false) return null;
    const Detector = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
    if (!Detector) return null;
    try {
      const supported = await Detector.getSupportedFormats();
      const ours = formats.filter((f) => supported.includes(f));
      // Only when it reads the 1D and the 2D codes we print: otherwise the worker does better.
      return ours.includes('code_128') && ours.includes('data_matrix') ? new Detector({ formats: ours }) : null;
    } catch {
      return null;
    }
  }

  let frameNo = 0;
  function grab(): ImageData | null {
    const w = video.videoWidth,
      h = video.videoHeight;
    if (!w || !h) return null;
    const [outW, outH] = w >= h ? [GRAB_WIDTH, GRAB_HEIGHT] : [GRAB_HEIGHT, GRAB_WIDTH];
    // About 640×480 whichever way the tablet is held: enough pixels for a label, little work per frame. Every other
    // frame is the centre at the camera's own resolution instead, where a dense GS1-128 gets the pixels it needs.
    const crop = frameNo++ % 2 === 1 && w >= outW * 1.5 && h >= outH * 1.5;
    const scale = crop ? 1 : Math.min(1, outW / w, outH / h);
    const sw = crop ? outW : w,
      sh = crop ? outH : h;
    const cw = Math.max(1, Math.round(sw * scale)),
      ch = Math.max(1, Math.round(sh * scale));
    if (!canvas || canvas.width !== cw || canvas.height !== ch) {
      canvas =
        typeof OffscreenCanvas !== 'undefined'
          ? new OffscreenCanvas(cw, ch)
          : Object.assign(document.createElement('canvas'), { width: cw, height: ch });
    }
    const ctx = canvas.getContext('2d', { willReadFrequently: true }) as
      CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!ctx) return null;
    ctx.drawImage(video, (w - sw) / 2, (h - sh) / 2, sw, sh, 0, 0, cw, ch);
    return ctx.getImageData(0, 0, cw, ch);
  }

  function decodeInWorker(frame: ImageData): Promise<DecodeReply> {
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      const req: DecodeRequest = {
        id,
        frame: { data: frame.data, width: frame.width, height: frame.height },
        formats: [...formats],
        confirm: true
      };
      getWorker().postMessage(req, [frame.data.buffer]);
    });
  }

  async function decodeOnce(): Promise<(CameraScan & { confirmed?: boolean }) | null> {
    if (native) {
      // One detection per frame: the next frame must agree before it counts.
      const found = (await native.detect(video)).filter((f) => (formats as readonly string[]).includes(f.format));
      return found.length ? { text: found[0].rawValue, format: found[0].format, via: 'native' } : null;
    }
    const frame = grab();
    if (!frame) return null;
    const reply = await decodeInWorker(frame);
    if ('error' in reply) throw new Error(reply.error);
    const r = reply.result;
    return r ? { text: r.text, format: r.format, confirmed: r.confirmed, via: 'zxing' } : null;
  }

  async function loop(token: number) {
    let lastError = '';
    while (token === loopToken && stream) {
      try {
        const scan = await decodeOnce();
        if (token !== loopToken) return;
        const accepted = acceptance.push(scan);
        if (scan && accepted && filter.accept(accepted.text))
          options.onScan({ text: accepted.text, format: accepted.format, via: scan.via });
        lastError = '';
      } catch (e) {
        // Said once, not once per frame.
        const message = `Could not decode a frame: ${e instanceof Error ? e.message : String(e)}`;
        if (message !== lastError) report(message);
        lastError = message;
      }
      await new Promise((r) => setTimeout(r, options.frameGapMs ?? 0));
    }
  }

  async function open(deviceId: string | null): Promise<MediaStream> {
    const size = { width: { ideal: 1280 }, height: { ideal: 720 } };
    if (deviceId) {
      try {
        return await navigator.mediaDevices.getUserMedia({
          video: { deviceId: { exact: deviceId }, ...size },
          audio: false
        });
      } catch (e) {
        // The remembered camera is gone (another tablet, unplugged): fall back to the rear one.
        if (!(e instanceof DOMException) || !['NotFoundError', 'OverconstrainedError'].includes(e.name)) throw e;
      }
    }
    return navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' }, ...size },
      audio: false
    });
  }

  async function start(): Promise<void> {
    wanted = true;
    if (stream) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      report('This browser gives no camera access here (it needs HTTPS): use the scanner or type the code.');
      return;
    }
    try {
      const s = await open(storage?.getItem(CAMERA_STORAGE_KEY) ?? null);
      if (!wanted) {
        s.getTracks().forEach((t) => t.stop());
        return;
      }
      stream = s;
      track = s.getVideoTracks()[0] ?? null;
      video.srcObject = s;
      video.muted = true;
      video.playsInline = true;
      await video.play().catch(() => {}); // autoplay rules: a muted inline video plays; if not, frames still come
      if (native === undefined) native = await probeNative();
      const token = ++loopToken;
      void loop(token);
    } catch (e) {
      const name = e instanceof DOMException ? e.name : '';
      report(
        name === 'NotAllowedError'
          ? 'Camera permission was refused: allow the camera for this site, or use the scanner or type the code.'
          : name === 'NotFoundError'
            ? 'No camera found: use the scanner or type the code.'
            : name === 'NotReadableError'
              ? 'The camera is in use by another app: close it and try again.'
              : `The camera could not start: ${e instanceof Error ? e.message : String(e)}`
      );
    }
  }

  function release() {
    loopToken++;
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    track = null;
    video.srcObject = null;
  }

  function stop() {
    wanted = false;
    release();
  }

  const onVisibility = () => {
    if (document.visibilityState === 'hidden') {
      const keep = wanted;
      release();
      wanted = keep;
    } else if (wanted) void start();
  };
  document.addEventListener('visibilitychange', onVisibility);

  function capabilities(): MediaTrackCapabilities & TrackExtras {
    return (track?.getCapabilities?.() ?? {}) as MediaTrackCapabilities & TrackExtras;
  }

  return {
    start,
    stop,
    again: () => filter.again(),
    get running() {
      return stream !== null;
    },
    async listCameras() {
      const all = await navigator.mediaDevices.enumerateDevices();
      return all.filter((d) => d.kind === 'videoinput');
    },
    async chooseCamera(deviceId: string) {
      storage?.setItem(CAMERA_STORAGE_KEY, deviceId);
      if (stream) {
        release();
        await start();
      }
    },
    get torchAvailable() {
      return capabilities().torch === true;
    },
    async setTorch(on: boolean) {
      if (!track || capabilities().torch !== true) return false;
      try {
        await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
        return true;
      } catch {
        return false;
      }
    },
    async focusAt(x: number, y: number) {
      const caps = capabilities();
      if (!track || !caps.focusMode?.length) return false;
      const mode = caps.focusMode.includes('single-shot')
        ? 'single-shot'
        : caps.focusMode.includes('continuous')
          ? 'continuous'
          : null;
      if (!mode) return false;
      const point = { x: Math.min(1, Math.max(0, x)), y: Math.min(1, Math.max(0, y)) };
      try {
        const constraint = {
          focusMode: mode,
          ...(caps.pointsOfInterest !== undefined ? { pointsOfInterest: [point] } : {})
        };
        await track.applyConstraints({ advanced: [constraint as MediaTrackConstraintSet] });
        return true;
      } catch {
        return false;
      }
    },
    destroy() {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
      worker?.terminate();
      worker = null;
      pending.clear();
    }
  };
}
