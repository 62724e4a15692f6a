import { ApiClient } from './api-client.js';
import { SseParser, type SseMessage } from './sse-parser.js';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'refused';

/**
 * The live alert feed: `GET /v1/alerts/stream` read with fetch (so the Bearer key
 * travels in a header, not the URL), resumed with Last-Event-ID after any drop so
 * no alert is missed, reconnecting with capped backoff. A 401/403 stops it.
 */
export function openAlertStream(
  api: ApiClient,
  handlers: { onMessage: (msg: SseMessage) => void; onState: (state: StreamState, detail?: string) => void },
): () => void {
  const abort = new AbortController();
  let lastEventId = '';
  let retryMs = 1000;
  let failures = 0;

  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      handlers.onState(failures === 0 ? 'connecting' : 'reconnecting');
      let parser: SseParser | null = null;
      try {
        const res = await api.stream(
          '/v1/alerts/stream',
          lastEventId ? { 'Last-Event-ID': lastEventId } : {},
          abort.signal,
        );
        if (res.status === 401 || res.status === 403) {
          const err = await ApiClient.problemOf(res);
          handlers.onState('refused', err.message);
          if (res.status === 401) api.onUnauthorized?.();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        failures = 0;
        handlers.onState('live');
        parser = new SseParser(handlers.onMessage, { lastEventId, onRetry: (ms) => (retryMs = ms) });
        await parser.consume(res.body);
      } catch (err) {
        if (abort.signal.aborted) return;
        handlers.onState('reconnecting', (err as Error).message);
      }
      // Resume after the last event id seen, however the stream ended.
      if (parser) lastEventId = parser.currentLastEventId;
      failures++;
      const wait = Math.min(15_000, retryMs * 2 ** Math.min(failures - 1, 4));
      await new Promise((r) => setTimeout(r, wait));
    }
  };
  void run();
  return () => abort.abort();
}
