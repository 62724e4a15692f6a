import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { enrolGalleryFolder, FaceChain } from '../../models/index.js';
import { configSchema } from '../../pipeline/config/index.js';
import type { MatchEvent } from '../../pipeline/events.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { createLogger } from '../../runtime/logger.js';
import { openQueue, registerHandlers, startConsumer } from '../../runtime/queues.js';
import { Shutdown } from '../../runtime/shutdown.js';
import { WatchlistChannel } from '../../runtime/watchlist-channel.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { until } from '../../test/until.js';
import { startIdentifyWorker } from '../identify/index.js';
import { ingestFile } from '../ingest/index.js';
import type { RunningWorker } from '../worker-context.js';

/** A `watchpost worker detect` process of its own, on the test's Redis and key prefix. */
function spawnDetectWorker(prefix: string): ChildProcess {
  return spawn(process.execPath, ['bin/watchpost.js', 'worker', 'detect'], {
    env: {
      ...process.env,
      REDIS_URL: testRedisUrl(),
      WATCHPOST_REDIS_PREFIX: prefix,
      WATCHPOST__DETECT__PARTITIONS: '1',
      WATCHPOST__DETECT__LOCK_SECONDS: '4',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * A detect worker process killed with SIGKILL in the middle of a frame loses no
 * match: its job returns to the queue when the lock expires, a second worker takes
 * the camera over (tracker state in Redis) and the enrolled person is still matched,
 * exactly once.
 */
describe('detect worker killed mid-job', () => {
  const { prefix, cleanup } = testPrefix('crash');
  const cfg = configSchema.parse({
    redisPrefix: prefix,
    redisUrl: testRedisUrl(),
    detect: { partitions: 1, lockSeconds: 4 },
    ingest: { fps: 2.5, frameTtlSeconds: 600 },
  });
  const keys = redisKeys(prefix, 1);
  const log = createLogger({ log: { level: 'warn', format: 'json' } });
  const children: ChildProcess[] = [];
  const running: RunningWorker[] = [];
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const w of running) await w.close();
    redis.disconnect();
    await cleanup();
  });

  it('still raises exactly one match for the enrolled person', async () => {
    const walkIn = fixture('enrolled-walk-in');
    const chain = await FaceChain.create(cfg, log);
    const { identities } = await enrolGalleryFolder(walkIn.gallery, chain);
    await new WatchlistChannel(redis, prefix).publish({
      embedder: chain.embedderId,
      identities,
      cameras: {},
      global: identities.map((i) => i.id),
    });

    const events: MatchEvent[] = [];
    const alerts = await startConsumer(
      QUEUE.alerts,
      registerHandlers(QUEUE.alerts, {
        [JOB.match]: async (e) => void events.push(e),
        [JOB.cameraOffline]: async () => undefined,
        [JOB.cameraOnline]: async () => undefined,
        [JOB.clipReady]: async () => undefined,
      }),
      { cfg, connection: redis },
    );
    running.push({ close: () => alerts.close() });

    const first = spawnDetectWorker(prefix);
    children.push(first);
    const ingest = ingestFile({
      cfg,
      redisUrl: testRedisUrl(),
      path: walkIn.video,
      cameraId: 'door',
      replayId: 'crash',
    });

    // Kill it while it holds a frame, once the person is tracked but before any match.
    const detectQueue = openQueue(QUEUE.detect, { cfg, connection: redis }, 0);
    const identifyQueue = openQueue(QUEUE.identify, { cfg, connection: redis });
    const tracking = async () => {
      const json = await redis.hget(keys.detectState('door'), 'json');
      return json !== null && JSON.parse(json).tracker.tracks.length > 0;
    };
    await until('the person to be tracked', tracking, 240_000);
    await until(
      'a frame in progress',
      async () => (await detectQueue.queue.getJobCounts('active')).active === 1,
      60_000,
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const matchedBeforeKill = events.length + (await redis.keys(`${prefix}:*:track:door:*:match`)).length;

    // Identification starts only now: the kill must come before any match, however fast detection is.
    running.push(
      await startIdentifyWorker(
        { cfg, log, redisUrl: testRedisUrl(), shutdown: new Shutdown(log) },
        { faceChain: chain },
      ),
    );
    const second = spawnDetectWorker(prefix);
    children.push(second);
    const ingested = await ingest;
    expect(ingested.frames).toBe(50);
    await until(
      'the pipeline to drain',
      async () => {
        const d = await detectQueue.queue.getJobCounts('waiting', 'active', 'delayed');
        const identify = await identifyQueue.queue.getJobCounts('waiting', 'active', 'delayed');
        return [...Object.values(d), ...Object.values(identify)].every((n) => n === 0);
      },
      240_000,
    );
    await detectQueue.close();
    await identifyQueue.close();
    expect(matchedBeforeKill).toBe(0);
    expect(events.map((e) => e.name)).toEqual(['subject-a']);
    const state = JSON.parse((await redis.hget(keys.detectState('door'), 'json'))!);
    // Every frame was tracked once: the killed worker's frame was taken over, none lost, none out of order.
    expect(state.counters.frames).toBe(50);
    expect(state.counters.outOfOrder).toBe(0);
  }, 600_000);
});
