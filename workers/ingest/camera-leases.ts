import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Cluster, type Redis } from 'ioredis';
import { globalKeys } from '../../pipeline/redis-keys.js';
import type { Logger } from '../../runtime/logger.js';
import { assignCameras } from './camera-assignment.js';

/**
 * Which cameras this ingest worker reads, when several run (scale-out and fail-over).
 * Workers announce themselves and the cameras they can read (their config may list
 * different ones) in a heartbeat; each round every worker computes the same assignment
 * (camera-assignment.ts) and reads a camera only while it holds the camera's lease, a
 * Redis key with an expiry that it renews. A worker that joins gets cameras released by
 * the others; the cameras of a worker that stops are taken at once, those of one that
 * died once its leases lapse. A single worker holds every camera.
 *
 * A worker that dies with its process (crash, SIGKILL, OOM) closes its Redis connection,
 * and Redis drops it at once: each worker's lease connection carries a name
 * (`ingestConnectionName`), and a peer seen connected that no longer is counts as dead in
 * the next round (at most a quarter lease), not when its leases lapse. A host that
 * vanishes without closing its connections still waits out the lease.
 *
 * A camera moved between live workers (one joins, or comes back) is handed over without a
 * gap: the new reader starts it on standby (`warming()`), says so once frames arrive
 * (`markWarm`), and only then does the old one let go, so the camera is never unread for the
 * RTSP connect and the wait for a key frame (seconds). A new reader that is not warm within
 * HANDOVER_MAX_MS gets the camera anyway.
 */

/** The longest an old reader keeps a camera waiting for its new reader to deliver frames. */
export const HANDOVER_MAX_MS = 15_000;

/** Renews the caller's lease, or takes it back when it vanished (a Redis restart without persistence): 1; held by another: 0. */
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

/** Deletes the lease (or a warm mark) only if the caller holds it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** CLIENT SETNAME of an ingest worker's lease connection: its peers see it die with its connection. */
export const ingestConnectionName = (prefix: string, workerId: string) => `${prefix}:ingest:${workerId}`;

export interface CameraLeaseOptions {
  redis: Redis;
  prefix: string;
  /** A lease not renewed for this long lapses, and another worker may take the camera. */
  leaseMs: number;
  log: Logger;
  /** Unique per process; default: host, pid and a random suffix. */
  workerId?: string;
  /**
   * `redis` is this worker's own connection, named `ingestConnectionName(prefix, workerId)`:
   * peers' connections are looked for by that name (CLIENT LIST) to tell a dead one at once.
   */
  namedConnection?: boolean;
  /** How long this worker's connection must be up before a peer's missing one counts (default: a lease period). */
  reconnectGraceMs?: number;
}

export const newIngestWorkerId = () => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

export class CameraLeases {
  readonly workerId: string;
  private readonly owned = new Set<string>();
  private readonly keys: ReturnType<typeof globalKeys>;
  /** Peers whose named connection was seen: only those can be seen gone. */
  private readonly seenConnected = new Set<string>();
  /** Since when this worker's connection is up (null: down): peers get a lease period to reconnect after an outage. */
  private upSince: number | null = null;
  private listClients: boolean;
  /** Assigned here but still read by a live peer: run on standby until it lets go. */
  private readonly standby = new Set<string>();
  /** Cameras assigned elsewhere that this worker keeps until their new reader is warm, since when. */
  private readonly handingOver = new Map<string, number>();

  constructor(private readonly opts: CameraLeaseOptions) {
    this.workerId = opts.workerId ?? newIngestWorkerId();
    this.keys = globalKeys(opts.prefix);
    // A Cluster spreads connections over its nodes: CLIENT LIST of one says nothing of a peer.
    this.listClients = Boolean(opts.namedConnection) && !(opts.redis instanceof Cluster);
    if (opts.redis.status === 'ready') this.upSince = Date.now();
    opts.redis.on('ready', () => (this.upSince = Date.now()));
    opts.redis.on('close', () => (this.upSince = null));
  }

  /** Cameras this worker holds the lease of. */
  held(): ReadonlySet<string> {
    return this.owned;
  }

  /** Cameras assigned to this worker whose previous reader still reads them: start them on standby. */
  warming(): ReadonlySet<string> {
    return this.standby;
  }

  /** A standby camera delivers frames here: its previous reader may let go (call each round while it does). */
  async markWarm(cameraId: string): Promise<void> {
    await this.opts.redis.set(this.keys.cameraWarm(cameraId), this.workerId, 'PX', this.opts.leaseMs);
  }

  /**
   * One round (call it several times per lease period): heartbeat, then release the
   * cameras assigned elsewhere, renew the others, take the free ones assigned here.
   * Returns the cameras this worker should read. With Redis unreachable it keeps what it
   * holds (no frame can be published anyway, and dropping cameras would only delay
   * their return).
   */
  async balance(cameraIds: readonly string[]): Promise<ReadonlySet<string>> {
    const { redis, leaseMs } = this.opts;
    try {
      const { wants, dead } = await this.heartbeat(cameraIds);
      const all = [...new Set([...wants.values()].flat())];
      const holders = all.length ? await redis.mget(all.map((id) => this.keys.cameraLease(id))) : [];
      // A dead peer's leases are free now: they would only lapse.
      for (const [i, holder] of holders.entries()) {
        if (holder === null || !dead.has(holder)) continue;
        await redis.eval(RELEASE, 1, this.keys.cameraLease(all[i]!), holder);
        holders[i] = null;
      }
      const assignment = assignCameras(wants, new Map(all.map((id, i) => [id, holders[i] ?? null])));
      const mine = assignment.get(this.workerId) ?? new Set<string>();
      await this.handOver(mine, assignment);
      const renewed = await Promise.all(
        [...this.owned].map(
          async (id) => [id, await redis.eval(RENEW, 1, this.keys.cameraLease(id), this.workerId, leaseMs)] as const,
        ),
      );
      for (const [id, ok] of renewed) {
        if (ok === 1) continue;
        this.owned.delete(id);
        this.opts.log.warn({ camera: id }, 'camera lease taken by another ingest worker: stopping it here');
      }
      // A camera still held by its previous reader is taken once that one lets go (its next round);
      // one held under this worker's own id (a restart with a stable workerId) is taken at once.
      this.standby.clear();
      for (const id of mine) {
        if (this.owned.has(id)) continue;
        if ((await redis.eval(RENEW, 1, this.keys.cameraLease(id), this.workerId, leaseMs)) !== 1) this.standby.add(id);
        else {
          this.owned.add(id);
          // Handed over: the mark would tell its next reader's old one to let go at once.
          await redis.eval(RELEASE, 1, this.keys.cameraWarm(id), this.workerId);
        }
      }
    } catch (err) {
      this.opts.log.debug(
        { err: (err as Error).message },
        'camera leases not balanced (Redis unreachable): keeping the cameras held',
      );
    }
    return this.owned;
  }

  /**
   * Lets go of the cameras assigned elsewhere: at once when their new reader is not a live
   * worker or is warm (its standby reader has frames), otherwise once HANDOVER_MAX_MS passed.
   */
  private async handOver(mine: ReadonlySet<string>, assignment: Map<string, Set<string>>): Promise<void> {
    for (const id of [...this.handingOver.keys()]) if (mine.has(id) || !this.owned.has(id)) this.handingOver.delete(id);
    for (const id of [...this.owned]) {
      if (mine.has(id)) continue;
      const next = [...assignment].find(([, cams]) => cams.has(id))?.[0];
      const since = this.handingOver.get(id) ?? Date.now();
      const warm = next !== undefined && (await this.opts.redis.get(this.keys.cameraWarm(id))) === next;
      if (next === undefined || warm || Date.now() - since >= HANDOVER_MAX_MS) {
        this.handingOver.delete(id);
        await this.release(id);
      } else this.handingOver.set(id, since);
    }
  }

  /** Gives every lease up (graceful shutdown): other workers take the cameras at their next round. */
  async releaseAll(): Promise<void> {
    for (const id of [...this.owned]) await this.release(id).catch(() => undefined);
    for (const id of this.standby)
      await this.opts.redis.eval(RELEASE, 1, this.keys.cameraWarm(id), this.workerId).catch(() => undefined);
    this.standby.clear();
    await this.opts.redis
      .multi()
      .zrem(this.keys.ingestWorkers, this.workerId)
      .hdel(this.keys.ingestWants, this.workerId)
      .exec()
      .catch(() => undefined);
  }

  /**
   * Announces this worker and the cameras it can read; returns those of every live worker
   * (heartbeat within a lease period, on Redis's clock: hosts' clocks may differ).
   */
  private async heartbeat(cameraIds: readonly string[]): Promise<{ wants: Map<string, string[]>; dead: Set<string> }> {
    const { redis, leaseMs } = this.opts;
    const [sec, micro] = await redis.time();
    const now = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
    const replies = (await redis
      .multi()
      .zadd(this.keys.ingestWorkers, now, this.workerId)
      .hset(this.keys.ingestWants, this.workerId, JSON.stringify([...cameraIds].sort()))
      .zremrangebyscore(this.keys.ingestWorkers, '-inf', now - leaseMs)
      .zrange(this.keys.ingestWorkers, '0', '-1')
      .hgetall(this.keys.ingestWants)
      .exec()) as [Error | null, unknown][];
    const live = new Set(replies[3]![1] as string[]);
    const dead = await this.disconnectedPeers(live);
    for (const id of dead) live.delete(id);
    if (dead.size) {
      await redis.zrem(this.keys.ingestWorkers, ...dead);
      this.opts.log.warn(
        { workers: [...dead] },
        'ingest worker gone (its Redis connection closed): taking its cameras',
      );
    }
    const all = replies[4]![1] as Record<string, string>;
    const gone = Object.keys(all).filter((id) => !live.has(id));
    if (gone.length) await redis.hdel(this.keys.ingestWants, ...gone);
    const wants = new Map<string, string[]>();
    for (const id of live) wants.set(id, parseIds(all[id]));
    return { wants, dead };
  }

  /**
   * Live peers (by heartbeat) whose named connection was seen before and is gone now. Not
   * until this worker's own connection has been up a lease period: after a Redis restart
   * every worker reconnects, some later than others.
   */
  private async disconnectedPeers(live: ReadonlySet<string>): Promise<Set<string>> {
    const dead = new Set<string>();
    if (!this.listClients) return dead;
    let text: string;
    try {
      text = String(await this.opts.redis.call('CLIENT', 'LIST', 'TYPE', 'normal'));
    } catch (err) {
      // An ACL may forbid it: leases lapsing is the fallback.
      this.listClients = false;
      this.opts.log.info(
        { error: (err as Error).message },
        'CLIENT LIST refused: a dead ingest worker is seen when its leases lapse',
      );
      return dead;
    }
    const names = new Set([...text.matchAll(/ name=(\S+)/g)].map((m) => m[1]!));
    const settled =
      this.upSince !== null && Date.now() - this.upSince >= (this.opts.reconnectGraceMs ?? this.opts.leaseMs);
    for (const id of this.seenConnected) if (!live.has(id)) this.seenConnected.delete(id);
    for (const id of live) {
      if (id === this.workerId) continue;
      if (names.has(ingestConnectionName(this.opts.prefix, id))) this.seenConnected.add(id);
      else if (settled && this.seenConnected.delete(id)) dead.add(id);
    }
    return dead;
  }

  private async release(id: string): Promise<void> {
    this.owned.delete(id);
    await this.opts.redis.eval(RELEASE, 1, this.keys.cameraLease(id), this.workerId);
  }
}

function parseIds(json: string | undefined): string[] {
  try {
    const ids: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
