import { createParser } from 'eventsource-parser';

// Shared by the dashboard bundle, the CLI, benchmarks and tests: web APIs only (fetch streams), no Node modules.

/** One Server-Sent Event as dispatched: its type ('message' when unnamed), its data, the last event id seen. */
export interface SseMessage {
  event: string;
  data: string;
  /** The last event id seen so far on this stream (sent back as Last-Event-ID on reconnect). */
  lastEventId: string;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'refused';

/**
 * Reads a text/event-stream body (fetch, because EventSource cannot send an Authorization header)
 * and calls `onMessage` per event; resolves when the stream ends, rejects when it is aborted.
 */
export async function readEventStream(
  body: ReadableStream<BufferSource>,
  onMessage: (msg: SseMessage) => void,
  opts: { lastEventId?: string; onRetry?: (ms: number) => void } = {},
): Promise<void> {
  let lastEventId = opts.lastEventId ?? '';
  const parser = createParser({
    onEvent: (e) => {
      if (e.id !== undefined) lastEventId = e.id;
      onMessage({ event: e.event ?? 'message', data: e.data, lastEventId });
    },
    onRetry: opts.onRetry,
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}

export interface FollowOptions {
  /** Opens the stream, resuming after `lastEventId` ('' at first). */
  connect(lastEventId: string, signal: AbortSignal): Promise<Response>;
  onMessage(msg: SseMessage): void;
  onState?(state: StreamState, detail?: string): void;
  /** A response that must not be retried (401/403): the reason to stop, or null to go on. */
  refusal?(res: Response): Promise<string | null>;
  signal: AbortSignal;
}

/**
 * Follows an event stream until `signal` aborts: resumes with Last-Event-ID after any drop so no
 * event is missed, reconnecting with capped backoff (from the server's `retry`, 1 s by default).
 */
export async function followEventStream(opts: FollowOptions): Promise<void> {
  let lastEventId = '';
  let retryMs = 1000;
  let failures = 0;
  const onMessage = (msg: SseMessage) => {
    lastEventId = msg.lastEventId;
    opts.onMessage(msg);
  };
  while (!opts.signal.aborted) {
    opts.onState?.(failures === 0 ? 'connecting' : 'reconnecting');
    try {
      const res = await opts.connect(lastEventId, opts.signal);
      const refused = (await opts.refusal?.(res)) ?? null;
      if (refused !== null) {
        opts.onState?.('refused', refused);
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      failures = 0;
      opts.onState?.('live');
      await readEventStream(res.body, onMessage, { lastEventId, onRetry: (ms) => (retryMs = ms) });
    } catch (err) {
      if (opts.signal.aborted) return;
      opts.onState?.('reconnecting', (err as Error).message);
    }
    failures++;
    const wait = Math.min(15_000, retryMs * 2 ** Math.min(failures - 1, 4));
    await new Promise((r) => setTimeout(r, wait));
  }
}
