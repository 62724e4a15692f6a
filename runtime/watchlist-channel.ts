import type { Redis } from 'ioredis';
import { globalKeys } from '../pipeline/redis-keys.js';
import type { Logger } from './logger.js';
import { watchRedis } from './redis-health.js';
import { watchlistSnapshotSchema, type WatchlistContent, type WatchlistSnapshot } from '../pipeline/watchlist.js';

/** What `load()` found: nothing published yet, a valid snapshot, or why the stored one cannot be used. */
export type LoadedSnapshot = { ok: true; snapshot: WatchlistSnapshot } | { ok: false; reason: string } | null;

/**
 * The watchlist channel in Redis, the one place that reads and writes it: the
 * snapshot (`watchlistCurrent`, JSON), its version (`watchlistVersion`, rising) and a
 * change notice on `watchlistChanged`. The API publishes; identify workers and
 * replays load and subscribe.
 */
export class WatchlistChannel {
  readonly keys: ReturnType<typeof globalKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = globalKeys(prefix);
  }

  /**
   * Publishes a snapshot under the next version and notifies subscribers; returns that version.
   * The version is taken first: a reader between the two steps sees a newer version than the
   * snapshot it loads, and loads again on its next look.
   */
  async publish(content: WatchlistContent): Promise<number> {
    const version = await this.redis.incr(this.keys.watchlistVersion);
    const snapshot = watchlistSnapshotSchema.parse({ ...content, version });
    await this.redis
      .multi()
      .set(this.keys.watchlistCurrent, JSON.stringify(snapshot))
      .publish(this.keys.watchlistChanged, String(version))
      .exec();
    return version;
  }

  /** The version last published (one GET: cheap enough to ask before every use), or null. */
  async version(): Promise<number | null> {
    const raw = await this.redis.get(this.keys.watchlistVersion);
    return raw === null ? null : Number(raw);
  }

  /** The published snapshot, validated. */
  async load(): Promise<LoadedSnapshot> {
    const json = await this.redis.get(this.keys.watchlistCurrent);
    if (json === null) return null;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (err) {
      return { ok: false, reason: `watchlist snapshot is not JSON: ${(err as Error).message}` };
    }
    const parsed = watchlistSnapshotSchema.safeParse(value);
    if (!parsed.success)
      return { ok: false, reason: `watchlist snapshot is invalid: ${parsed.error.issues[0]?.message}` };
    return { ok: true, snapshot: parsed.data };
  }

  /**
   * Calls `onChange(version)` for every publish from now on, on a connection of its own (a
   * subscribed connection can run no commands), whose outages go to `log`. Returns the unsubscribe.
   */
  async subscribe(onChange: (version: number) => void, log: Logger): Promise<() => Promise<void>> {
    const subscriber = watchRedis(this.redis.duplicate(), log);
    subscriber.on('message', (_channel: string, message: string) => onChange(Number(message)));
    await subscriber.subscribe(this.keys.watchlistChanged);
    return async () => {
      await subscriber.quit();
    };
  }
}
