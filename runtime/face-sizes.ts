import type { Redis } from 'ioredis';
import { FACE_SIZE_WINDOW } from '../pipeline/face-size-hint.js';
import type { RedisKeys } from '../pipeline/redis-keys.js';

/** Widths outlive quiet nights and weekends, so the hint does not come and go with the traffic. */
const FACE_SIZES_TTL_SECONDS = 14 * 24 * 3600;

/** Remembers the width of a face a live camera saw (the newest FACE_SIZE_WINDOW are kept). */
export async function recordFaceSize(redis: Redis, keys: RedisKeys, cameraId: string, widthPx: number): Promise<void> {
  const key = keys.cameraFaceSizes(cameraId);
  await redis
    .multi()
    .lpush(key, String(Math.round(widthPx)))
    .ltrim(key, 0, FACE_SIZE_WINDOW - 1)
    .expire(key, FACE_SIZES_TTL_SECONDS)
    .exec();
}

/** The recent face widths of each camera (empty when it saw none). */
export async function readFaceSizes(
  redis: Redis,
  keys: Pick<RedisKeys, 'cameraFaceSizes'>,
  ids: string[],
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (!ids.length) return out;
  const replies = (await ids.reduce((p, id) => p.lrange(keys.cameraFaceSizes(id), 0, -1), redis.pipeline()).exec()) as [
    Error | null,
    string[],
  ][];
  ids.forEach((id, i) => {
    const [err, widths] = replies[i] ?? [null, []];
    if (err) throw err;
    out.set(id, widths.map(Number).filter(Number.isFinite));
  });
  return out;
}
