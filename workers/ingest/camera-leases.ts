import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisKeys } from '../../pipeline/redis-keys.js';
import type { Logger } from '../../runtime/logger.js';

/**
 * Which cameras this ingest worker reads, when several run (scale-out and fail-over):
 * a camera is read by the worker holding its lease, a Redis key with an expiry that the
 * holder renews. Workers announce themselves in a heartbeat set; each takes at most its
 * fair share (cameras / live workers, rounded up), so a worker that joins gets cameras
 * released by the others, and the cameras of a worker that died are taken over once
 * its leases expire. A single worker holds every camera.
 */

/** Renews the caller's lease, or takes it back when it vanished (a Redis restart without persistence): 1; held by another: 0. */
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

/** Deletes the lease only if the caller holds it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface CameraLeaseOptions {
  redis: Redis;
  prefix: string;
  /** A lease not renewed for this long lapses, and another worker may take the camera. */
  leaseMs: number;
  log: Logger;
  /** Unique per process; default: host, pid and a random suffix. */
  workerId?: string;
}

export const newIngestWorkerId = () => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

export class CameraLeases {
  readonly workerId: string;
  private readonly owned = new Set<string>();
  private readonly keys: ReturnType<typeof redisKeys>;

  constructor(private readonly opts: CameraLeaseOptions) {
    this.workerId = opts.workerId ?? newIngestWorkerId();
    this.keys = redisKeys(opts.prefix);
  }

  /** Cameras this worker holds the lease of. */
  held(): ReadonlySet<string> {
    return this.owned;
  }

  /**
   * One round (call it several times per lease period): heartbeat, renew held leases,
   * release those of removed cameras and any above the fair share, take free ones up to
   * it. Returns the cameras this worker should read. With Redis unreachable it keeps
   * what it holds (no frame can be published anyway, and dropping cameras would only
   * delay their return).
   */
  async balance(cameraIds: readonly string[]): Promise<ReadonlySet<string>> {
    const { redis, leaseMs } = this.opts;
    try {
      const live = await this.heartbeat();
      const wanted = new Set(cameraIds);
      for (const id of [...this.owned]) if (!wanted.has(id)) await this.release(id);
      const renewed = await Promise.all([...this.owned].map(async (id) => [id, await redis.eval(RENEW, 1, this.keys.cameraLease(id), this.workerId, leaseMs)] as const));
      for (const [id, ok] of renewed) {
        if (ok === 1) continue;
        this.owned.delete(id);
        this.opts.log.warn({ camera: id }, 'camera lease taken by another ingest worker: stopping it here');
      }
      const share = Math.ceil(wanted.size / live);
      // Above the share (a worker joined): release the excess, the newcomer takes it.
      for (const id of [...this.owned].sort().slice(share)) await this.release(id);
      for (const id of this.candidates(cameraIds)) {
        if (this.owned.size >= share) break;
        if (this.owned.has(id)) continue;
        if ((await redis.set(this.keys.cameraLease(id), this.workerId, 'PX', leaseMs, 'NX')) === 'OK') this.owned.add(id);
      }
    } catch (err) {
      this.opts.log.debug({ err: (err as Error).message }, 'camera leases not balanced (Redis unreachable): keeping the cameras held');
    }
    return this.owned;
  }

  /** Gives every lease up (graceful shutdown): other workers take the cameras at their next round. */
  async releaseAll(): Promise<void> {
    for (const id of [...this.owned]) await this.release(id).catch(() => undefined);
    await this.opts.redis.zrem(this.keys.ingestWorkers, this.workerId).catch(() => undefined);
  }

  /** Announces this worker and counts the live ones (heartbeat within a lease period, on Redis's clock: hosts' clocks may differ). */
  private async heartbeat(): Promise<number> {
    const [sec, micro] = await this.opts.redis.time();
    const now = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
    const [, , [, live]] = (await this.opts.redis
      .multi()
      .zadd(this.keys.ingestWorkers, now, this.workerId)
      .zremrangebyscore(this.keys.ingestWorkers, '-inf', now - this.opts.leaseMs)
      .zcard(this.keys.ingestWorkers)
      .exec()) as [unknown, unknown, [Error | null, number]];
    return Math.max(1, live);
  }

  private async release(id: string): Promise<void> {
    this.owned.delete(id);
    await this.opts.redis.eval(RELEASE, 1, this.keys.cameraLease(id), this.workerId);
  }

  /** Free cameras in an order of this worker's own, so workers starting together mostly try different ones first. */
  private candidates(cameraIds: readonly string[]): string[] {
    const rank = (id: string) => fnv1a(`${this.workerId}|${id}`);
    return [...cameraIds].sort((a, b) => rank(a) - rank(b));
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
