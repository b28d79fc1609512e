// Live updates for a console page: the server's event stream, and polling while the stream is down. The browser's
// EventSource reconnects by itself and sends Last-Event-ID, so the server replays what was missed (or says reset).
import type { ChangeMessage } from './types';

type LiveStatus = 'connecting' | 'live' | 'polling';

const POLL_MS = 5_000;
/** How long the stream may be down before the page starts polling. */
const GRACE_MS = 4_000;

interface LiveHandlers {
  /** Current values of the rows and signals that moved; a large write (a drained shift) comes as several messages. */
  change(message: ChangeMessage): void;
  /** Reload everything shown: after a reset, and on each poll while the stream is down. */
  reload(): Promise<void> | void;
}

export class LiveFeed {
  status = $state<LiveStatus>('connecting');
  lastEventAt = $state<Date | null>(null);
  #source: EventSource | null = null;
  #poll: ReturnType<typeof setInterval> | null = null;
  #grace: ReturnType<typeof setTimeout> | null = null;
  #reopen: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(private readonly handlers: LiveHandlers) {
    this.#open();
  }

  #open() {
    if (this.#closed) return;
    if (typeof EventSource === 'undefined') return this.#startPolling();
    const source = new EventSource('/api/stream');
    this.#source = source;
    source.addEventListener('hello', () => {
      const missed = this.status === 'polling';
      this.#stopPolling();
      this.status = 'live';
      this.lastEventAt = new Date();
      if (missed) void this.handlers.reload();
    });
    source.addEventListener('change', (e) => {
      this.lastEventAt = new Date();
      this.handlers.change(JSON.parse((e as MessageEvent).data) as ChangeMessage);
    });
    source.addEventListener('reset', () => void this.handlers.reload());
    source.addEventListener('ping', () => (this.lastEventAt = new Date()));
    source.onerror = () => {
      if (this.status === 'live') this.status = 'connecting';
      this.#grace ??= setTimeout(() => {
        this.#grace = null;
        if (this.status !== 'live') this.#startPolling();
      }, GRACE_MS);
      // A refused stream (an HTTP error) is not retried by the browser: open a new one later.
      if (source.readyState === EventSource.CLOSED) {
        this.#source = null;
        this.#reopen = setTimeout(() => this.#open(), POLL_MS);
      }
    };
  }

  #startPolling() {
    if (this.#poll || this.#closed) return;
    this.status = 'polling';
    void this.handlers.reload();
    this.#poll = setInterval(() => void this.handlers.reload(), POLL_MS);
  }

  #stopPolling() {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
  }

  close() {
    this.#closed = true;
    this.#source?.close();
    this.#stopPolling();
    if (this.#grace) clearTimeout(this.#grace);
    if (this.#reopen) clearTimeout(this.#reopen);
  }
}
