import { type ApiClient, itemsOf, type Page } from './api-client.js';
import { openAlertStream, type StreamState } from './alert-stream.js';
import type { AlertSound } from './alert-sound.js';
import type { SseMessage } from '../../../runtime/event-stream.js';
import { createStore, type Store } from './store.js';
import type { Alert } from './types.js';

/** How long an alert that arrived live keeps its "just arrived" highlight. */
const FRESH_MS = 60_000;

export interface AlertFeed {
  alerts: Store<Alert[]>;
  /** id -> arrival time, for alerts that arrived over the live stream during this session. */
  fresh: Store<Map<string, number>>;
  state: Store<{ state: StreamState; detail?: string }>;
  upsert(alert: Alert): void;
  reload(): Promise<void>;
  close(): void;
}

const byAttention = (a: Alert, b: Alert) => b.lastSeen - a.lastSeen || b.createdAt - a.createdAt;

/** Pulls the alert out of an SSE message: the API sends the alert itself, or `{alert}`. */
export function alertOfMessage(msg: SseMessage): Alert | null {
  let data: unknown;
  try {
    data = JSON.parse(msg.data);
  } catch {
    return null;
  }
  const obj = data as { alert?: Alert } & Partial<Alert>;
  const alert = (obj?.alert ?? obj) as Partial<Alert>;
  return typeof alert?.id === 'string' && typeof alert.state === 'string' ? (alert as Alert) : null;
}

/**
 * The session's alert list: loaded once, then kept current by the SSE stream
 * (create and update events alike upsert by id). A new alert rings and flashes.
 */
export function createAlertFeed(
  api: ApiClient,
  sound: AlertSound,
  onNew: (a: Alert) => void,
  /** The control room reviews matches: they ring for it; anyone else hears of a match once it is dispatched. */
  reviews = false,
): AlertFeed {
  const alerts = createStore<Alert[]>([]);
  const fresh = createStore(new Map<string, number>());
  const state = createStore<{ state: StreamState; detail?: string }>({ state: 'connecting' });

  const upsert = (alert: Alert) => {
    const list = alerts.get();
    const i = list.findIndex((a) => a.id === alert.id);
    const next = i < 0 ? [alert, ...list] : list.map((a, j) => (j === i ? { ...a, ...alert } : a));
    alerts.set(next.sort(byAttention));
    return i < 0;
  };

  const reload = async () => {
    // Every open alert however old (nothing that needs attention may fall off a page), plus recent history.
    const [open, recent] = await Promise.all([
      api.get<Page<Alert>>('/v1/alerts?state=pending_review,new,acknowledged&limit=500'),
      api.get<Page<Alert>>('/v1/alerts?limit=100'),
    ]);
    const fetched = new Map([...itemsOf(recent), ...itemsOf(open)].map((a) => [a.id, a]));
    const live = new Map(alerts.get().map((a) => [a.id, a]));
    // Keep whichever copy is newer: the stream may already have delivered a later state.
    const merged = [...fetched.values()].map((a) => {
      const l = live.get(a.id);
      return l && l.updatedAt > a.updatedAt ? l : a;
    });
    alerts.set(merged.sort(byAttention));
  };

  const onMessage = (msg: SseMessage) => {
    const alert = alertOfMessage(msg);
    // Alerts from analysts' replays share the journal but are not live threats.
    if (!alert || alert.replayId) return;
    const known = alerts.get().find((a) => a.id === alert.id);
    const isNew = upsert(alert);
    // A repeated sighting re-opens attention too (the API updates the open alert within its cooldown).
    const reSighted = known && alert.state === known.state && alert.eventCount > known.eventCount;
    const rings = alert.state === 'new' || (reviews && alert.state === 'pending_review');
    // Confirmed (or sent unconfirmed) after review: news to an officer, though the page already held it.
    const dispatched = known?.state === 'pending_review' && alert.state === 'new' && !reviews;
    if (rings && (isNew || reSighted || dispatched)) {
      fresh.set(new Map(fresh.get()).set(alert.id, Date.now()));
      sound.play();
      onNew(alert);
    }
  };

  const stop = openAlertStream(api, { onMessage, onState: (s, detail) => state.set({ state: s, detail }) });
  // After a reconnect the stream resumes from Last-Event-ID; a reload also covers a server restart.
  const unsub = state.subscribe((s) => s.state === 'live' && void reload().catch(() => undefined));
  const sweep = setInterval(() => {
    const now = Date.now();
    const map = fresh.get();
    const kept = new Map([...map].filter(([, t]) => now - t < FRESH_MS));
    if (kept.size !== map.size) fresh.set(kept);
  }, 5000);

  return {
    alerts,
    fresh,
    state,
    upsert,
    reload,
    close() {
      stop();
      unsub();
      clearInterval(sweep);
    },
  };
}
