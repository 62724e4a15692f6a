export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** Reads a text/event-stream with fetch and collects events (the parsing a browser's EventSource does). */
export function openSse(url: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  const ctrl = new AbortController();
  const opened = (async () => {
    const res = await fetch(url, { headers, signal: ctrl.signal });
    if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += value;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const ev: SseEvent = { id: null, event: 'message', data: '' };
            let hasData = false;
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) ev.id = line.slice(4);
              else if (line.startsWith('event: ')) ev.event = line.slice(7);
              else if (line.startsWith('data: ')) {
                ev.data += line.slice(6);
                hasData = true;
              }
            }
            if (hasData) events.push(ev);
          }
        }
      } catch {
        // aborted
      }
    })();
  })();
  return {
    events,
    opened,
    async waitFor(pred: (e: SseEvent) => boolean, ms = 20_000): Promise<SseEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching SSE event within ${ms} ms (got ${events.map((e) => e.event).join(', ')})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => ctrl.abort(),
  };
}
