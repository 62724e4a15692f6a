import type { ChainableCommander, Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../pipeline/redis-keys.js';

/**
 * Frame bytes (JPEG) in Redis binary keys with a TTL, so jobs carry only the key
 * (BullMQ stores job data as JSON: a Buffer there costs five times its size).
 * Expiry is the normal end of a frame's life: `get` then returns null, not an error.
 */
export class FrameStore {
  private readonly keys: RedisKeys;
  /** Seconds a stored frame lives. */
  readonly ttlSeconds: number;

  constructor(
    private readonly redis: Redis,
    opts: { prefix: string; partitions: number; ttlSeconds: number },
  ) {
    this.keys = redisKeys(opts.prefix, opts.partitions);
    this.ttlSeconds = opts.ttlSeconds;
  }

  /** Stores the JPEG of frame `seq` of a camera; returns its key (the FrameJob's frameKey). */
  async putFrame(cameraId: string, seq: number, jpeg: Buffer): Promise<string> {
    const key = this.keys.frame(cameraId, seq);
    await this.redis.set(key, jpeg, 'EX', this.ttlSeconds);
    return key;
  }

  /** Stores the JPEG of the n-th face crop of a frame (evidence); returns its key. */
  async putFaceCrop(cameraId: string, seq: number, n: number, jpeg: Buffer): Promise<string> {
    const key = this.keys.faceCrop(cameraId, seq, n);
    await this.redis.set(key, jpeg, 'EX', this.ttlSeconds);
    return key;
  }

  /** The bytes under `key`, or null when the frame has expired or never existed. */
  async get(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(key);
  }

  /**
   * Adds the read of a frame to a pipeline (its reply: Buffer, or null once expired), for callers
   * that fetch the frame in the same round trip as other state.
   */
  static getIn(batch: ChainableCommander, key: string): ChainableCommander {
    return batch.getBuffer(key);
  }

  /** Extends the life of a frame that became evidence; false when it has already expired. */
  async keep(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.expire(key, ttlSeconds)) === 1;
  }

  /** Removes frames nobody will read (dropped live frames), so memory stays bounded. */
  async delete(...keys: string[]): Promise<void> {
    if (keys.length) await this.redis.unlink(...keys);
  }
}
