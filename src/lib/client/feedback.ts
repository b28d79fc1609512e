// What a worker hears and feels after a scan, without looking at the screen: made with WebAudio, no sound files.
//
//   feedback.accept()   a short high beep and a 60 ms vibration: the scan is stored
//   feedback.reject()   two low buzzes and a long vibration: the scan was not taken (bad code, misread GTIN…)
//   feedback.unknown()  a falling two-note chime and two short vibrations: the code names no known part, and waits
//                       for the worker to say whether to record it (not the ok beep, not the error buzz)
//   unlockAudio()       call from a tap/click handler once: browsers keep audio muted until a user gesture
//
// Both never throw: where audio or vibration is missing or blocked, the screen is the only feedback.
type Tone = { freq: number; ms: number; type: OscillatorType; gap?: number };

const ACCEPT: Tone[] = [{ freq: 1760, ms: 90, type: 'sine' }];
const REJECT: Tone[] = [
  { freq: 220, ms: 150, type: 'square', gap: 70 },
  { freq: 180, ms: 220, type: 'square' }
];
const UNKNOWN: Tone[] = [
  { freq: 988, ms: 120, type: 'triangle', gap: 60 },
  { freq: 659, ms: 220, type: 'triangle' }
];
const VOLUME = 0.25;

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const Ctor =
    (globalThis as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext }).AudioContext ??
    (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    context = new Ctor();
  } catch {
    return null;
  }
  return context;
}

/** Resumes the audio context inside a user gesture, so later beeps (from a wedge or the camera) are heard. */
export function unlockAudio(): void {
  const ctx = audio();
  if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => {});
}

function play(tones: Tone[]): void {
  const ctx = audio();
  if (!ctx) return;
  try {
    if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
    let at = ctx.currentTime + 0.005;
    for (const tone of tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = tone.type;
      osc.frequency.value = tone.freq;
      // A quick attack and release: no click at either end.
      const end = at + tone.ms / 1000;
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(VOLUME, at + 0.005);
      gain.gain.setValueAtTime(VOLUME, end - 0.01);
      gain.gain.linearRampToValueAtTime(0, end);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(end + 0.01);
      at = end + (tone.gap ?? 0) / 1000;
    }
  } catch {
    // Audio is a courtesy: a failure here must never cost a scan.
  }
}

function vibrate(pattern: number[]): void {
  try {
    (navigator as Navigator & { vibrate?: (p: number[]) => boolean }).vibrate?.(pattern);
  } catch {
    // Not on iOS, not on desktops; blocked without a prior gesture.
  }
}

export const feedback = {
  accept(): void {
    play(ACCEPT);
    vibrate([60]);
  },
  reject(): void {
    play(REJECT);
    vibrate([200, 80, 200]);
  },
  unknown(): void {
    play(UNKNOWN);
    vibrate([80, 60, 80]);
  }
};
