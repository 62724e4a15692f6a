import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../pipeline/config/index.js';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { redisKeys } from '../pipeline/redis-keys.js';
import { FrameStore } from '../runtime/frame-store.js';
import { createLogger } from '../runtime/logger.js';
import { openDetectQueues, openQueue, registerHandlers, startConsumer } from '../runtime/queues.js';
import { workerConnection } from '../runtime/redis.js';
import { appendTrackLog } from '../runtime/track-log.js';
import { DetectStateStore } from '../workers/detect/detect-state.js';
import { CameraLeases } from '../workers/ingest/camera-leases.js';
import {
  startRedisCluster,
  startSentinelGroup,
  type RedisClusterNodes,
  type SentinelGroup,
} from './redis-topologies.js';
import { until } from './until.js';

const cfg = configSchema.parse({ redisPrefix: 'wp-topo', detect: { partitions: 8 }, log: { level: 'silent' } });
const log = createLogger(cfg, 'test');
const frameJob = (cameraId: string, seq: number, frameKey: string) => ({
  cameraId,
  seq,
  ts: 1_700_000_000_000 + seq,
  frameKey,
  width: 4,
  height: 4,
  mode: 'live' as const,
});

describe('on a real 3-primary Redis Cluster', () => {
  let cluster: RedisClusterNodes;
  let redis: Redis;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    redis = workerConnection(`cluster:${cluster.nodes}`);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it("runs a frame's multi-key round trips, the leases and the ordered detect queues without a cross-slot refusal", async () => {
    const keys = redisKeys(cfg.redisPrefix, cfg.detect.partitions);
    const cameras = ['front-door', 'back-door', 'gate', 'garage', 'porch', 'yard'];
    const store = new FrameStore(redis, { prefix: cfg.redisPrefix, partitions: cfg.detect.partitions, ttlSeconds: 60 });
    const states = new DetectStateStore(redis, keys);
    for (const id of cameras) {
      const frameKey = await store.putFrame(id, 1, Buffer.from([0xff, 0xd8, 1, 0xff, 0xd9]));
      const loaded = await states.loadWithFrame(id, Date.now(), frameKey);
      expect(loaded.jpeg).toEqual(Buffer.from([0xff, 0xd8, 1, 0xff, 0xd9]));
      await states.save(id, loaded.rev, loaded.state, [
        { op: 'push', key: keys.framesDone(id, 'r1'), value: `${id}-1`, ttlSeconds: 60 },
        { op: 'set', key: keys.cameraDetections(id), value: '{}', ttlSeconds: 60 },
      ]);
      await appendTrackLog(
        redis,
        keys,
        id,
        [{ type: 'track', cameraId: id, trackId: 't1', firstTs: 1, lastTs: 2, hits: 2, identifyFrames: 1 } as never],
        60,
      );
      expect(await redis.xlen(keys.trackLog(id))).toBe(1);
    }
    // Leases: MGET of every camera's lease and the heartbeat's MULTI, across cameras.
    const leases = new CameraLeases({ redis, prefix: cfg.redisPrefix, leaseMs: 10_000, log, workerId: 'A' });
    expect([...(await leases.balance(cameras))].sort()).toEqual([...cameras].sort());
    expect(await redis.mget(cameras.map((id) => keys.cameraStatus(id)))).toHaveLength(cameras.length);
    await leases.releaseAll();

    // Ordered detect partitions (global concurrency 1) and an ordinary queue, on whichever nodes their tags name.
    const done: string[] = [];
    const detect = openDetectQueues({ cfg, connection: redis });
    const consumers = await Promise.all(
      detect.partitions.map((_, p) =>
        startConsumer(
          QUEUE.detect,
          registerHandlers(QUEUE.detect, { [JOB.frame]: async (f) => void done.push(`${f.cameraId}-${f.seq}`) }),
          { cfg, connection: redis },
          { partition: p },
        ),
      ),
    );
    for (const id of cameras)
      await detect.forCamera(id).add(JOB.frame, frameJob(id, 1, keys.frame(id, 1)), { jobId: `${id}-1` });
    const identify = openQueue(QUEUE.identify, { cfg, connection: redis });
    await until('every frame job done', () => done.length === cameras.length, 20_000);
    expect(done.sort()).toEqual(cameras.map((id) => `${id}-1`).sort());
    await Promise.all(consumers.map((c) => c.close()));
    await detect.close();
    await identify.close();
  }, 60_000);
});

describe('through Redis Sentinel, across a SIGKILL of the primary', () => {
  let group: SentinelGroup;
  let redis: Redis;

  beforeAll(async () => {
    group = await startSentinelGroup({ downAfterMs: 1000 });
    redis = workerConnection(`sentinel:${group.name}@${group.sentinels}`);
    redis.on('error', () => undefined);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await group?.stop();
  });

  it('follows the promoted replica: a queue consumer keeps taking jobs, nothing is processed twice', async () => {
    const seen: string[] = [];
    const queue = openQueue(QUEUE.identify, { cfg, connection: redis });
    const worker = await startConsumer(
      QUEUE.alerts,
      registerHandlers(QUEUE.alerts, {
        [JOB.match]: async (_e, job: Job) => void seen.push(String(job.id)),
        [JOB.cameraOffline]: async (_e, job: Job) => void seen.push(String(job.id)),
        [JOB.cameraOnline]: async (_e, job: Job) => void seen.push(String(job.id)),
        [JOB.clipReady]: async () => undefined,
      }),
      { cfg, connection: redis },
    );
    const alerts = openQueue(QUEUE.alerts, { cfg, connection: redis });
    const event = (n: number) => ({
      type: 'camera.offline' as const,
      eventId: `e${n}`,
      cameraId: 'door',
      ts: 1_700_000_000_000 + n,
      lastFrameAt: null,
    });
    await alerts.add(JOB.cameraOffline, event(0), { jobId: 'before' });
    await until('the job before the fail-over', () => seen.includes('before'), 10_000);
    expect(await group.primaryPort()).toBe(group.primary.port);

    const killedAt = Date.now();
    await group.killPrimary();
    // Added while no primary answers: the command waits for the promoted replica.
    await alerts.add(JOB.cameraOffline, event(1), { jobId: 'during' });
    const resumedMs = Date.now() - killedAt;
    expect(await group.primaryPort()).toBe(group.replica.port);
    await alerts.add(JOB.cameraOffline, event(2), { jobId: 'after' });
    await until('the jobs after the fail-over', () => seen.includes('during') && seen.includes('after'), 30_000);
    console.log(
      `sentinel fail-over: a job added at the SIGKILL of the primary went in on the promoted replica ${resumedMs} ms later`,
    );
    expect(seen).toEqual(['before', 'during', 'after']);
    expect(resumedMs).toBeLessThan(20_000);
    await worker.close();
    await alerts.close();
    await queue.close();
  }, 60_000);
});
