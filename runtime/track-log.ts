import type { Redis } from 'ioredis';
import type { RedisKeys } from '../pipeline/redis-keys.js';
import { type TrackLogRecord, trackLogRecordSchema } from '../pipeline/track-log.js';

/**
 * The track log's Redis stream: the detect stage appends finished tracks, the identify
 * stage votes. Appends may repeat after a retry; `readTrackLog` keeps one record per
 * track and per vote.
 */

/** Live cameras keep at most about this many records besides their age limit; replays keep all of theirs. */
const LIVE_MAX_LEN = 10_000;
/** A replay's log lives until the replay's keys are deleted, or a week at most. */
const REPLAY_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Appends records. A live camera's entries are personal data of passers-by: each lives
 * `retainSeconds` (retention.bystanderSeconds) whatever the camera's traffic. Entry ids are
 * their append time, so every append drops the entries older than that (XTRIM MINID), and
 * the key itself expires that long after the last append; readers skip what is older still.
 */
export async function appendTrackLog(
  redis: Redis,
  keys: RedisKeys,
  cameraId: string,
  records: TrackLogRecord[],
  retainSeconds: number,
): Promise<void> {
  if (!records.length) return;
  const key = keys.trackLog(cameraId);
  const multi = redis.multi();
  const live = records.some((r) => !r.replayId);
  for (const r of records) {
    if (r.replayId) multi.xadd(key, '*', 'r', JSON.stringify(r));
    else multi.xadd(key, 'MAXLEN', '~', LIVE_MAX_LEN, '*', 'r', JSON.stringify(r));
  }
  if (live) {
    multi.xtrim(key, 'MINID', Date.now() - retainSeconds * 1000);
    multi.expire(key, retainSeconds);
  } else multi.expire(key, REPLAY_TTL_SECONDS);
  await multi.exec();
}

/** Drops a live log's entries older than `retainSeconds` (the retention purge runs this over every camera). */
export async function trimTrackLog(redis: Redis, key: string, retainSeconds: number): Promise<number> {
  return redis.xtrim(key, 'MINID', Date.now() - retainSeconds * 1000);
}

/** Every record of a camera's log (those younger than `maxAgeSeconds` when given), deduplicated (last copy wins), in stream order. */
export async function readTrackLog(
  redis: Redis,
  keys: RedisKeys,
  cameraId: string,
  maxAgeSeconds?: number,
): Promise<TrackLogRecord[]> {
  const from = maxAgeSeconds === undefined ? '-' : String(Date.now() - maxAgeSeconds * 1000);
  const entries = await redis.xrange(keys.trackLog(cameraId), from, '+');
  const byKey = new Map<string, TrackLogRecord>();
  for (const [, fields] of entries) {
    const json = fields[fields.indexOf('r') + 1];
    if (!json) continue;
    const r = trackLogRecordSchema.parse(JSON.parse(json));
    byKey.set(r.type === 'track' ? `t|${r.trackId}` : `v|${r.trackId}|${r.seq}`, r);
  }
  return [...byKey.values()];
}
