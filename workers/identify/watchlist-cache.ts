import type { Redis } from 'ioredis';
import { Gallery } from '../../pipeline/face-match.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';
import { watchlistSnapshotSchema, type WatchlistSnapshot } from '../../pipeline/watchlist.js';
import type { Logger } from '../../runtime/logger.js';
import { watchRedis } from '../../runtime/redis-health.js';

/** The published snapshot cannot be used by this worker (another embedder, invalid JSON). */
export class WatchlistError extends Error {
  override name = 'WatchlistError';
}

export interface LoadedWatchlist {
  snapshot: WatchlistSnapshot;
  gallery: Gallery;
}

/**
 * The watchlist snapshot the API publishes, reloaded without a restart: every
 * `current()` compares the cached version with the version key (one GET), and a
 * pub/sub message on `watchlistChanged` prefetches a new one so that the next job
 * does not pay for the reload.
 */
export class WatchlistCache {
  private loaded: LoadedWatchlist | null = null;
  private loading: Promise<LoadedWatchlist | null> | null = null;
  private subscriber: Redis | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    /** FaceChain.embedderId: a snapshot made by another embedder is refused. */
    private readonly embedderId: string,
    private readonly log: Logger,
  ) {}

  /** Subscribes to change notices (a separate connection: a subscribed one can run no commands). */
  async start(): Promise<void> {
    this.subscriber = watchRedis(this.redis.duplicate(), this.log);
    this.subscriber.on('message', () => {
      this.current().catch((err: Error) => this.log.error({ err }, 'watchlist reload failed'));
    });
    await this.subscriber.subscribe(this.keys.watchlistChanged);
  }

  /** The current watchlist, or null when none was ever published. Throws WatchlistError for an unusable one. */
  async current(): Promise<LoadedWatchlist | null> {
    const raw = await this.redis.get(this.keys.watchlistVersion);
    if (raw === null) return null;
    if (this.loaded && this.loaded.snapshot.version === Number(raw)) return this.loaded;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(): Promise<LoadedWatchlist | null> {
    const json = await this.redis.get(this.keys.watchlistCurrent);
    if (json === null) return null;
    let parsed: ReturnType<typeof watchlistSnapshotSchema.safeParse>;
    try {
      parsed = watchlistSnapshotSchema.safeParse(JSON.parse(json));
    } catch (err) {
      throw new WatchlistError(`watchlist snapshot is not JSON: ${(err as Error).message}`);
    }
    if (!parsed.success) throw new WatchlistError(`watchlist snapshot is invalid: ${parsed.error.issues[0]?.message}`);
    const snapshot = parsed.data;
    if (snapshot.embedder !== this.embedderId) {
      throw new WatchlistError(
        `watchlist snapshot v${snapshot.version} was made with embedder '${snapshot.embedder}', this worker runs '${this.embedderId}': re-enrol or change models.faceEmbedder`,
      );
    }
    this.loaded = { snapshot, gallery: new Gallery(snapshot.identities) };
    this.log.info({ version: snapshot.version, identities: snapshot.identities.length }, 'watchlist loaded');
    return this.loaded;
  }

  async close(): Promise<void> {
    await this.subscriber?.quit();
  }
}
