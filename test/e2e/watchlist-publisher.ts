import { Redis } from 'ioredis';
import { closeAllSessions, enrolGalleryFolder, FaceChain } from '../../models/index.js';
import type { Config } from '../../pipeline/config/index.js';
import { WatchlistChannel } from '../../runtime/watchlist-channel.js';

/**
 * Enrols a `<name>/<photo>` gallery folder the way `watchpost replay --gallery` does
 * and publishes the snapshot on the watchlist channel, as the API does.
 * Returns the embedder's match threshold, which match distances must be under.
 * `cameras`: the camera ids every enrolled identity is watched on (none: a global list).
 */
export async function publishGalleryWatchlist(
  cfg: Config,
  redisUrl: string,
  galleryDir: string,
  cameras: string[] = [],
): Promise<{ identities: string[]; version: number; matchThreshold: number }> {
  const chain = await FaceChain.create(cfg);
  try {
    const { identities } = await enrolGalleryFolder(galleryDir, chain);
    const ids = identities.map((i) => i.id);
    const redis = new Redis(redisUrl);
    try {
      const version = await new WatchlistChannel(redis, cfg.redisPrefix).publish({
        embedder: chain.embedderId,
        identities,
        cameras: Object.fromEntries(cameras.map((c) => [c, ids])),
        global: cameras.length ? [] : ids,
      });
      return { identities: identities.map((i) => i.name), version, matchThreshold: chain.matchThreshold };
    } finally {
      redis.disconnect();
    }
  } finally {
    await closeAllSessions();
  }
}
