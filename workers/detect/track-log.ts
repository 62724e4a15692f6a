import type { Redis } from 'ioredis';
import type { Box } from '../../pipeline/geometry.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';

/**
 * A camera's track history as a Redis stream: finished tracks (from the detect
 * worker) and per-frame identification votes (from the identify worker), so replays,
 * timelines and threshold sweeps can be built without asking the workers. Appends
 * may repeat after a retry; `readTrackLog` keeps one record per track and per vote.
 */
export interface TrackSummary {
  type: 'track';
  cameraId: string;
  trackId: string;
  firstTs: number;
  lastTs: number;
  firstSeq: number;
  lastSeq: number;
  /** Frames in which the track was detected. */
  hits: number;
  /** Frames sent to identification. */
  identifyFrames: number;
  /** Best frame for identification seen on the track (largest, sharpest head). */
  best: { seq: number; ts: number; frameKey: string; quality: number; personBox: Box } | null;
  replayId?: string;
}

/** One identified frame of a track: the nearest watchlist identity and its distance, whether or not it matched. */
export interface VoteRecord {
  type: 'vote';
  cameraId: string;
  trackId: string;
  seq: number;
  ts: number;
  candidateId: string | null;
  candidateName: string | null;
  distance: number | null;
  weight: number;
  faceBox: Box;
  replayId?: string;
}

export type TrackLogRecord = TrackSummary | VoteRecord;

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
    const r = JSON.parse(json) as TrackLogRecord;
    byKey.set(r.type === 'track' ? `t|${r.trackId}` : `v|${r.trackId}|${r.seq}`, r);
  }
  return [...byKey.values()];
}
