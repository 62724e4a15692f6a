import { readEventStream } from '../runtime/event-stream.js';

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
    readEventStream(res.body!, (m) => events.push({ id: m.lastEventId || null, event: m.event, data: m.data })).catch(
      () => {
        // aborted
      },
    );
  })();
  return {
    events,
    opened,
    async waitFor(pred: (e: SseEvent) => boolean, ms = 20_000): Promise<SseEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(`no matching SSE event within ${ms} ms (got ${events.map((e) => e.event).join(', ')})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => ctrl.abort(),
  };
}
