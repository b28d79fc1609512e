// A database whose open failed is reopened, not left failed. Chromium, once a full disk has been freed, may refuse
// the reopen that follows with "UnknownError: Internal error opening backing store for indexedDB.open" for a moment
// (the full-disk e2e saw it under load). Dexie retries that three times at once, then keeps the error: every later
// query is refused with it until the page reloads, so a worker could not record another scan. Here the database is
// closed (auto-open kept) and the work tried again after a pause, a few times over a few seconds.
import type Dexie from 'dexie';

/** The pauses before each further try: about 3.5 s in all, within what a worker waits for a beep. */
export const REOPEN_DELAYS_MS = [100, 400, 1_000, 2_000];

/** Stuck on a failed open: not open, an open error kept, and not closed on purpose (that is DatabaseClosedError). */
export function openFailed(db: Dexie): boolean {
  return !db.isOpen() && db.hasFailed() && !db.hasBeenClosed();
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` on `db`; when it fails because the database could not be opened, reopens and runs it again, up to
 * REOPEN_DELAYS_MS.length more times. Safe for writes: a failed open means the work's transaction never began.
 * Any other failure, and the last open failure, is thrown as it was.
 */
export async function withReopen<T>(db: Dexie, work: () => Promise<T>, sleep = pause): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (openFailed(db)) db.close({ disableAutoOpen: false }); // forget the kept error: the next query opens again
    try {
      return await work();
    } catch (e) {
      if (!openFailed(db) || attempt >= REOPEN_DELAYS_MS.length) throw e;
      await sleep(REOPEN_DELAYS_MS[attempt]);
    }
  }
}
