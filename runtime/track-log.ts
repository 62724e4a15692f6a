import type { Redis } from 'ioredis';
import type { RedisKeys } from '../pipeline/redis-keys.js';
import { type TrackLogRecord, trackLogRecordSchema } from '../pipeline/track-log.js';

/**
 * The track log's Redis stream: the detect stage appends finished tracks, the identify
 * stage votes. Appends may repeat after a retry; `readTrackLog` keeps one record per
 * track and per vote.
 */

/** Live cameras keep about this many records; replays keep all of theirs. */
const LIVE_MAX_LEN = 10_000;
const TTL_SECONDS = 7 * 24 * 3600;

export async function appendTrackLog(
  redis: Redis,
  keys: RedisKeys,
  cameraId: string,
  records: TrackLogRecord[],
): Promise<void> {
  if (!records.length) return;
  const key = keys.trackLog(cameraId);
  const multi = redis.multi();
  for (const r of records) {
    if (r.replayId) multi.xadd(key, '*', 'r', JSON.stringify(r));
    else multi.xadd(key, 'MAXLEN', '~', LIVE_MAX_LEN, '*', 'r', JSON.stringify(r));
  }
  multi.expire(key, TTL_SECONDS);
  await multi.exec();
}

/** Every record of a camera's log, deduplicated (last copy wins), in stream order. */
export async function readTrackLog(redis: Redis, keys: RedisKeys, cameraId: string): Promise<TrackLogRecord[]> {
  const entries = await redis.xrange(keys.trackLog(cameraId), '-', '+');
  const byKey = new Map<string, TrackLogRecord>();
  for (const [, fields] of entries) {
    const json = fields[fields.indexOf('r') + 1];
    if (!json) continue;
    const r = trackLogRecordSchema.parse(JSON.parse(json));
    byKey.set(r.type === 'track' ? `t|${r.trackId}` : `v|${r.trackId}|${r.seq}`, r);
  }
  return [...byKey.values()];
}
