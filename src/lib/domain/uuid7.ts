// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness. Ids made on a tablet sort by creation time, so
// the server's primary key index grows at its end. Within one millisecond a 12-bit counter keeps them increasing.

type RandomFill = (bytes: Uint8Array) => Uint8Array;

const defaultRandom: RandomFill = (bytes) => globalThis.crypto.getRandomValues(bytes);

/** A UUIDv7 generator with its own monotonic state; `now` and `random` are injectable for tests. */
export function createUuid7(now: () => number = Date.now, random: RandomFill = defaultRandom): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.max(0, Math.floor(now()));
    const bytes = random(new Uint8Array(16));
    if (ms <= lastMs) {
      // Same millisecond, or the clock stepped back: stay on the last timestamp and count up.
      ms = lastMs;
      counter++;
      if (counter > 0xfff) {
        ms = lastMs + 1;
        counter = bytes[6] & 0x07; // a fresh start low in the range leaves room to count
      }
    } else {
      counter = ((bytes[6] & 0x07) << 8) | bytes[7];
    }
    lastMs = ms;
    // 48-bit big-endian timestamp; division keeps it exact past 2^32.
    const high = Math.floor(ms / 2 ** 16);
    bytes[0] = (high >>> 24) & 0xff;
    bytes[1] = (high >>> 16) & 0xff;
    bytes[2] = (high >>> 8) & 0xff;
    bytes[3] = high & 0xff;
    bytes[4] = (ms >>> 8) & 0xff;
    bytes[5] = ms & 0xff;
    bytes[6] = 0x70 | ((counter >>> 8) & 0x0f); // version 7 + counter high bits
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** The process-wide generator. */
export const uuid7 = createUuid7();

/** The millisecond timestamp a UUIDv7 carries. */
export function uuid7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
