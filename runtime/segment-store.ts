import type { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../pipeline/redis-keys.js';

/** One buffered piece of a camera's video, as the camera encoded it. */
export interface VideoSegment {
  cameraId: string;
  /** Wall-clock start and end (ms). */
  startMs: number;
  endMs: number;
}

/**
 * A camera's rolling video buffer in Redis: each segment in a binary key with a TTL (the buffer's
 * bound), indexed by start time in a sorted set. Like frames, segments live where every worker can
 * read them, so any process can cut an alert's clip; a clip pins the segments it needs.
 */
export class SegmentStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    opts: { prefix: string; partitions: number },
  ) {
    this.keys = redisKeys(opts.prefix, opts.partitions);
  }

  async put(seg: VideoSegment, bytes: Buffer, ttlSeconds: number): Promise<void> {
    const index = this.keys.videoSegments(seg.cameraId);
    await this.redis
      .multi()
      .set(this.keys.videoSegment(seg.cameraId, seg.startMs), bytes, 'PX', ttlSeconds * 1000)
      .zadd(index, seg.startMs, `${seg.startMs}:${seg.endMs}`)
      // Index entries of expired segments go with the next write; the index itself outlives them by a TTL.
      .zremrangebyscore(index, '-inf', seg.startMs - ttlSeconds * 1000)
      .pexpire(index, ttlSeconds * 2000)
      .exec();
  }

  /** Segments overlapping [fromMs, toMs], oldest first (index entries whose bytes expired are left out). */
  async overlapping(cameraId: string, fromMs: number, toMs: number): Promise<VideoSegment[]> {
    const members = await this.redis.zrangebyscore(this.keys.videoSegments(cameraId), '-inf', toMs);
    const segs = members
      .map((m) => m.split(':').map(Number) as [number, number])
      .filter(([start, end]) => end > fromMs && start <= toMs)
      .map(([startMs, endMs]) => ({ cameraId, startMs, endMs }));
    if (!segs.length) return [];
    const pipe = this.redis.pipeline();
    for (const s of segs) pipe.exists(this.keys.videoSegment(cameraId, s.startMs));
    const res = (await pipe.exec()) ?? [];
    return segs.filter((_, i) => res[i]?.[1] === 1);
  }

  /** Keeps these segments for at least `ttlSeconds` more (a clip being cut needs them). */
  async pin(segs: VideoSegment[], ttlSeconds: number): Promise<void> {
    if (!segs.length) return;
    const pipe = this.redis.pipeline();
    for (const s of segs) pipe.pexpire(this.keys.videoSegment(s.cameraId, s.startMs), ttlSeconds * 1000, 'GT');
    await pipe.exec();
  }

  get(seg: VideoSegment): Promise<Buffer | null> {
    return this.redis.getBuffer(this.keys.videoSegment(seg.cameraId, seg.startMs));
  }
}
