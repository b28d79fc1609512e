// Reads server-sent events from a Response body, as an EventSource would, for the stream tests and the benchmark.
interface SseMessage {
  event: string;
  id?: string;
  data: string;
}

export function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const ready: SseMessage[] = [];
  let pending: ReturnType<typeof reader.read> | null = null; // a read outlives a timeout, so no chunk is lost

  function parse() {
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const m: SseMessage = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(':');
        const value = rest.join(':').replace(/^ /, '');
        if (field === 'event') m.event = value;
        else if (field === 'id') m.id = value;
        else if (field === 'data') data.push(value);
      }
      m.data = data.join('\n');
      ready.push(m);
    }
  }

  return {
    /** The next message for which `match` holds (pings and others are passed over); fails after `timeoutMs`. */
    async next(match: (m: SseMessage) => boolean = () => true, timeoutMs = 5000): Promise<SseMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = ready.findIndex(match);
        if (i >= 0) return ready.splice(i, 1)[0];
        ready.length = 0;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no matching server-sent event in time');
        let timer: NodeJS.Timeout | undefined;
        const chunk = await Promise.race([
          (pending ??= reader.read()),
          new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left)))
        ]);
        clearTimeout(timer);
        if (chunk === 'timeout') continue;
        pending = null;
        if (chunk.done) throw new Error('the stream ended');
        buffer += chunk.value;
        parse();
      }
    },
    close: () => reader.cancel().catch(() => {})
  };
}
