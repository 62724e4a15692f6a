import type { Redis } from 'ioredis';
import { Gallery } from '../../pipeline/face-match.js';
import type { WatchlistSnapshot } from '../../pipeline/watchlist.js';
import type { Logger } from '../../runtime/logger.js';
import { WatchlistChannel } from '../../runtime/watchlist-channel.js';

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
 * `current()` compares the cached version with the published one (one GET), and a
 * change notice prefetches a new one so that the next job does not pay for the reload.
 */
export class WatchlistCache {
  private loaded: LoadedWatchlist | null = null;
  private loading: Promise<LoadedWatchlist | null> | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  private readonly channel: WatchlistChannel;

  constructor(
    redis: Redis,
    prefix: string,
    /** FaceChain.embedderId: a snapshot made by another embedder is refused. */
    private readonly embedderId: string,
    private readonly log: Logger,
  ) {
    this.channel = new WatchlistChannel(redis, prefix);
  }

  /** Subscribes to change notices. */
  async start(): Promise<void> {
    this.unsubscribe = await this.channel.subscribe(() => {
      this.current().catch((err: Error) => this.log.error({ err }, 'watchlist reload failed'));
    }, this.log);
  }

  /** The current watchlist, or null when none was ever published. Throws WatchlistError for an unusable one. */
  async current(): Promise<LoadedWatchlist | null> {
    const version = await this.channel.version();
    if (version === null) return null;
    if (this.loaded && this.loaded.snapshot.version === version) return this.loaded;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(): Promise<LoadedWatchlist | null> {
    const found = await this.channel.load();
    if (found === null) return null;
    if (!found.ok) throw new WatchlistError(found.reason);
    const { snapshot } = found;
    if (snapshot.embedder !== this.embedderId) {
      throw new WatchlistError(
        `watchlist snapshot v${snapshot.version} was made with embedder '${snapshot.embedder}', ` +
          `this worker runs '${this.embedderId}': re-enrol or change models.faceEmbedder`,
      );
    }
    this.loaded = { snapshot, gallery: new Gallery(snapshot.identities) };
    this.log.info({ version: snapshot.version, identities: snapshot.identities.length }, 'watchlist loaded');
    return this.loaded;
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
  }
}
