import { Redis } from 'ioredis';
import { closeAllSessions, decodeImage, FaceChain } from '../../models/index.js';
import type { Config } from '../../pipeline/config/index.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import type { WatchlistSnapshot } from '../../pipeline/watchlist.js';
import { enrolGalleryFolder } from '../../workers/replay/gallery-folder.js';

/**
 * Enrols a `<name>/<photo>` gallery folder the way `watchpost replay --gallery` does
 * (workers/replay/gallery-folder.ts with the real face chain) and publishes the
 * snapshot the way the API does: snapshot, version, then a change notice.
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
    const enrolled = await enrolGalleryFolder(galleryDir, {
      decode: decodeImage,
      enrol: (img) => chain.enrolmentDescriptor(img),
    });
    const ids = enrolled.identities.map((i) => i.id);
    const keys = globalKeys(cfg.redisPrefix);
    const redis = new Redis(redisUrl);
    try {
      // Versions only need to rise; the clock does that without a counter of our own.
      const version = Date.now();
      const snapshot: WatchlistSnapshot = {
        version,
        embedder: chain.embedderId,
        identities: enrolled.identities.map((i) => ({ ...i, descriptors: i.descriptors.map((d) => Array.from(d)) })),
        cameras: Object.fromEntries(cameras.map((c) => [c, ids])),
        global: cameras.length ? [] : ids,
      };
      await redis
        .multi()
        .set(keys.watchlistCurrent, JSON.stringify(snapshot))
        .set(keys.watchlistVersion, String(version))
        .exec();
      await redis.publish(keys.watchlistChanged, String(version));
      return { identities: enrolled.identities.map((i) => i.name), version, matchThreshold: chain.matchThreshold };
    } finally {
      redis.disconnect();
    }
  } finally {
    await closeAllSessions();
  }
}
