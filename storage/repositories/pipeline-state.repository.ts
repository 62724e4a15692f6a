import type { Redis } from 'ioredis';
import {
  cameraDetectionsSchema,
  cameraStatusSchema,
  type CameraDetections,
  type CameraStatus,
} from '../../pipeline/events.js';
import { redisKeys, type RedisKeys } from '../../pipeline/redis-keys.js';
import { readFaceSizes } from '../../runtime/face-sizes.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { trimTrackLog } from '../../runtime/track-log.js';
import { WatchlistChannel } from '../../runtime/watchlist-channel.js';

export interface RegistryCamera {
  id: string;
  url: string;
  caseId: string | null;
  fps?: number;
}

/**
 * What the API shares with the pipeline through Redis: the watchlist snapshot and
 * camera registry it publishes, camera status and frame bytes it reads. Uses a
 * fail-fast connection, so callers get an error instead of a hung request.
 */
export class PipelineStateRepository {
  readonly keys: RedisKeys;
  /** The watchlist snapshot the API publishes for identify workers. */
  readonly watchlist: WatchlistChannel;
  /** Frame JPEGs and evidence files the pipeline stored (null once expired). */
  readonly frames: FrameStore;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    partitions: number,
    frameTtlSeconds: number,
  ) {
    this.keys = redisKeys(prefix, partitions);
    this.watchlist = new WatchlistChannel(redis, prefix);
    this.frames = new FrameStore(redis, { prefix, partitions, ttlSeconds: frameTtlSeconds });
  }

  get up(): boolean {
    return this.redis.status === 'ready';
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Statuses of the given cameras; a missing or unreadable status is null. */
  async cameraStatuses(ids: string[]): Promise<Map<string, CameraStatus | null>> {
    const out = new Map<string, CameraStatus | null>();
    if (!ids.length) return out;
    const raw = await this.redis.mget(ids.map((id) => this.keys.cameraStatus(id)));
    ids.forEach((id, i) => {
      const text = raw[i];
      const parsed = text ? cameraStatusSchema.safeParse(safeJson(text)) : null;
      out.set(id, parsed?.success ? parsed.data : null);
    });
    return out;
  }

  /** Widths of the last faces each camera saw (empty when none). */
  cameraFaceSizes(ids: string[]): Promise<Map<string, number[]>> {
    return readFaceSizes(this.redis, this.keys, ids);
  }

  /** The people on the camera's last detected live frame; null when none are recorded (or expired). */
  async cameraDetections(id: string): Promise<CameraDetections | null> {
    const text = await this.redis.get(this.keys.cameraDetections(id));
    const parsed = text ? cameraDetectionsSchema.safeParse(safeJson(text)) : null;
    return parsed?.success ? parsed.data : null;
  }

  /** Replaces the registry and tells ingest workers, unless it already holds exactly this list. */
  async publishCameraRegistryIfChanged(cameras: RegistryCamera[]): Promise<boolean> {
    const text = JSON.stringify(cameras);
    if ((await this.redis.get(this.keys.cameraRegistry)) === text) return false;
    await this.redis
      .multi()
      .set(this.keys.cameraRegistry, text)
      .publish(this.keys.cameraRegistryChanged, String(Date.now()))
      .exec();
    return true;
  }

  /** Drops the live track-log entries older than `retainSeconds` on each camera; returns how many went. */
  async trimTrackLogs(cameraIds: string[], retainSeconds: number): Promise<number> {
    let dropped = 0;
    for (const id of cameraIds) dropped += await trimTrackLog(this.redis, this.keys.trackLog(id), retainSeconds);
    return dropped;
  }

  notifyAlerts(seq: number) {
    return this.redis.publish(this.keys.alertsChanged, String(seq));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
