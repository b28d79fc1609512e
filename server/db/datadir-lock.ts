// The embedded data directory belongs to one process at a time: PGlite has no lock of its own (it is a single
// backend in this process), so two processes on one directory would each write WAL and pages the other does not
// know about, and corrupt it. The owner's pid is in a lock file created atomically ('wx'); a lock whose owner is
// gone (crash, kill -9, power cut) is taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config';

export const LOCK_FILE = 'linesync.lock';

/** Another live process has the data directory open. A ConfigError: said as it is, without a stack. */
export class DataDirInUseError extends ConfigError {
  constructor(
    readonly dataDir: string,
    readonly pid: number
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid} (a LineSync server or \`npm run db\`). ` +
        `Only one process may open it at a time: stop process ${pid} first (the server: Ctrl+C or SIGTERM), then ` +
        `try again. If process ${pid} is not LineSync, delete ${join(dataDir, LOCK_FILE)}.`
    );
  }
}

// Directories this process holds: a second open from this very process is refused as well.
const held = new Set<string>();

/** Linux: when the process started (clock ticks since boot), so a pid reused after a reboot or restart is not
 *  taken for the owner. Elsewhere undefined, and only the pid is compared. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number, started: string | undefined): boolean {
  if (pid === process.pid) return false; // ours, but not in `held`: left by an earlier process with our pid
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  const now = startTime(pid);
  return !(started && now && started !== now);
}

/** Takes the lock on `dataDir` (which exists) or throws DataDirInUseError; returns its release. */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  if (held.has(path)) throw new DataDirInUseError(dataDir, process.pid);
  const content = `${process.pid}\n${startTime(process.pid) ?? ''}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, content, { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw e;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // its owner just released it
      throw e;
    }
    const [pidText, started] = text.split('\n');
    const pid = Number(pidText);
    // An empty or torn file: its writer died between create and write (the write is one small syscall).
    if (Number.isInteger(pid) && pid > 0 && alive(pid, started || undefined)) throw new DataDirInUseError(dataDir, pid);
    // Stale: remove and create again with 'wx', as PostgreSQL does with postmaster.pid. The one race left, as
    // there: two processes taking over the same stale lock within the same instant.
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  held.add(path);
  return () => {
    if (!held.delete(path)) return;
    try {
      if (readFileSync(path, 'utf8') === content) unlinkSync(path);
    } catch {
      // already gone
    }
  };
}
