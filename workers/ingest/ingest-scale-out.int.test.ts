import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraStatusSchema } from '../../pipeline/events.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { until } from '../../test/until.js';
import { footageDir, makeClip, testConfig, testContext } from '../../test/ingest-test-kit.js';
import { startIngestWorker, type IngestWorker } from './index.js';

const footage = footageDir();
const redis = new Redis(testRedisUrl());
let clip: string;
beforeAll(() => {
  clip = makeClip(footage.dir, 'scale-out.mp4', 3);
});
afterAll(() => {
  footage.remove();
  redis.disconnect();
});

describe('two ingest workers', () => {
  const { prefix, cleanup } = testPrefix('ingest-scale-out');
  const workers: IngestWorker[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await cleanup();
  });

  it('read each camera once between them, and the survivor takes over the cameras of one that stops', async () => {
    const ids = ['cam-1', 'cam-2', 'cam-3', 'cam-4'];
    const cfg = testConfig({
      redisPrefix: prefix,
      cameras: ids.map((id) => ({ id, url: clip, fps: 5 })),
      ingest: { leaseSeconds: 1, allowFileSources: true },
    });
    const status = async (id: string) =>
      cameraStatusSchema.parse(JSON.parse((await redis.get(globalKeys(prefix).cameraStatus(id))) ?? 'null'));
    const [a, b] = [
      await startIngestWorker(testContext(cfg, testRedisUrl())),
      await startIngestWorker(testContext(cfg, testRedisUrl())),
    ];
    workers.push(a, b);
    await Promise.all([a.ready, b.ready]);
    // The first worker took every camera; within a few lease rounds it hands half to the second.
    await until('an even split', () => a.sessions.size === 2 && b.sessions.size === 2);
    const split = { a: [...a.sessions.keys()], b: [...b.sessions.keys()] };
    expect([...split.a, ...split.b].sort()).toEqual(ids);
    await until('every camera streaming, reported by its reader', async () => {
      for (const id of ids) {
        const s = await status(id).catch(() => null);
        const reader = split.a.includes(id) ? a : b;
        if (s?.state !== 'streaming' || s.ingestWorker !== reader.workerId) return false;
      }
      return true;
    });
    // No camera read twice: a few rounds later the split holds.
    await new Promise((r) => setTimeout(r, 1500));
    expect([...a.sessions.keys()].sort()).toEqual(split.a.sort());
    expect([...b.sessions.keys()].sort()).toEqual(split.b.sort());

    await a.close();
    workers.splice(workers.indexOf(a), 1);
    await until('the survivor reading every camera', () => b.sessions.size === 4);
    await until('the handed-over cameras streaming again', async () => {
      for (const id of split.a) {
        const s = await status(id);
        if (s.state !== 'streaming' || s.ingestWorker !== b.workerId) return false;
      }
      return true;
    });
  });
});
