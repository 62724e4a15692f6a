import { followEventStream, type SseMessage, type StreamState } from '../../../runtime/event-stream.js';
import { ApiClient } from './api-client.js';

export type { StreamState };

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
  void followEventStream({
    connect: (lastEventId, signal) =>
      api.stream('/v1/alerts/stream', lastEventId ? { 'Last-Event-ID': lastEventId } : {}, signal),
    refusal: async (res) => {
      if (res.status !== 401 && res.status !== 403) return null;
      const err = await ApiClient.problemOf(res);
      if (res.status === 401) api.onUnauthorized?.();
      return err.message;
    },
    onMessage: handlers.onMessage,
    onState: handlers.onState,
    signal: abort.signal,
  });
  return () => abort.abort();
}
