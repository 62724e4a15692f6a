import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisKeys } from '../pipeline/redis-keys.js';
import type { VoteRecord } from '../pipeline/track-log.js';
import { testPrefix, testRedisUrl } from '../test/redis.js';
import { appendTrackLog, readTrackLog } from './track-log.js';

const { prefix, cleanup } = testPrefix('track-log');
const keys = redisKeys(prefix, 1);
let redis: Redis;
beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  redis.disconnect();
  await cleanup();
});

const vote = (seq: number, replayId?: string): VoteRecord => ({
  type: 'vote',
  cameraId: 'busy',
  trackId: `t${seq}`,
  seq,
  ts: Date.now(),
  candidateId: 'p1',
  candidateName: 'Nearest Perpetrator',
  distance: 0.9,
  weight: 1,
  faceBox: [10, 10, 40, 40],
  ...(replayId ? { replayId } : {}),
});

it('keeps a busy live camera’s identification results no longer than the retention, entry by entry', async () => {
  const retain = 1;
  const started = Date.now();
  // A camera whose traffic never stops: before, each append pushed the whole log's expiry back.
  for (let seq = 0; Date.now() - started < 3000; seq++) {
    await appendTrackLog(redis, keys, 'busy', [vote(seq)], retain);
    await new Promise((r) => setTimeout(r, 50));
  }
  const entries = await redis.xrange(keys.trackLog('busy'), '-', '+');
  const oldest = Number(entries[0]![0].split('-')[0]);
  // Every entry left was appended within the retention (plus one append interval).
  expect(Date.now() - oldest).toBeLessThan(retain * 1000 + 200);
  expect(entries.length).toBeLessThan(30);
  expect(await redis.pttl(keys.trackLog('busy'))).toBeLessThanOrEqual(retain * 1000);
  // Readers can also hold it to the limit between appends.
  await new Promise((r) => setTimeout(r, 1100));
  expect(await readTrackLog(redis, keys, 'busy', retain)).toEqual([]);
  // And the key is gone once the camera is quiet.
  await new Promise((r) => setTimeout(r, 200));
  expect(await redis.exists(keys.trackLog('busy'))).toBe(0);
});

it('keeps a replay’s log whole for the replay', async () => {
  for (let seq = 0; seq < 5; seq++) await appendTrackLog(redis, keys, 'replay-x', [vote(seq, 'rx')], 1);
  await new Promise((r) => setTimeout(r, 1200));
  await appendTrackLog(redis, keys, 'replay-x', [vote(5, 'rx')], 1);
  expect(await readTrackLog(redis, keys, 'replay-x')).toHaveLength(6);
  expect(await redis.ttl(keys.trackLog('replay-x'))).toBeGreaterThan(86_400);
});
