import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraStatusSchema, type CameraStatus } from '../../pipeline/events.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { footageDir, makeClip } from '../ingest-test-kit.js';
import { testPrefix, testRedisUrl } from '../redis.js';
import { until } from '../until.js';
import { counterValue, WorkerProcess } from './worker-process.js';

/** Two `watchpost worker ingest` processes sharing two cameras; one is killed with SIGKILL. */
describe('ingest fail-over (real processes)', () => {
  const { prefix, cleanup } = testPrefix('e2e-failover');
  const redis = new Redis(testRedisUrl());
  const footage = footageDir();
  const workers: WorkerProcess[] = [];
  const cameras = ['door', 'garden'];
  const LEASE_SECONDS = 1;

  const status = async (id: string): Promise<CameraStatus | null> => {
    const text = await redis.get(globalKeys(prefix).cameraStatus(id));
    return text ? cameraStatusSchema.parse(JSON.parse(text)) : null;
  };
  /** The process whose worker id (host-pid-random) a status names. */
  const readerOf = (s: CameraStatus | null) => workers.find((w) => s?.ingestWorker?.includes(`-${w.pid}-`));
  beforeAll(async () => {
    const clip = makeClip(footage.dir, 'camera.mp4', 4);
    const configFile = join(footage.dir, 'watchpost.yaml');
    writeFileSync(
      configFile,
      stringify({
        log: { level: 'info' },
        cameras: cameras.map((id) => ({ id, url: clip, fps: 5 })),
        ingest: { leaseSeconds: LEASE_SECONDS, allowFileSources: true },
      }),
    );
    const env = { REDIS_URL: testRedisUrl(), WATCHPOST_REDIS_PREFIX: prefix, WATCHPOST_CONFIG: configFile };
    workers.push(new WorkerProcess('ingest', env), new WorkerProcess('ingest', env));
    await Promise.all(workers.map((w) => w.ready()));
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(workers.map((w) => w.stop('SIGKILL')));
    await cleanup();
    redis.disconnect();
    footage.remove();
  });

  it('reads each camera in one process, and the survivor takes over the cameras of a killed one within the lease', async () => {
    // One camera each, both streaming.
    const readers = await until('one camera per process, streaming', async () => {
      const all = await Promise.all(cameras.map(status));
      const who = all.map(readerOf);
      return all.every((s) => s?.state === 'streaming') && who[0] && who[1] && who[0] !== who[1] ? who : null;
    });
    const victim = readers[0]!;
    const survivor = readers[1]!;
    const held = async (w: WorkerProcess) => counterValue(await w.metrics(), 'watchpost_ingest_cameras', {});
    expect([await held(victim), await held(survivor)]).toEqual([1, 1]);
    // Whichever process started first read both for a moment: it no longer reports the one it handed over.
    expect(counterValue(await victim.metrics(), 'watchpost_camera_state', { camera: cameras[1]! })).toBe(0);
    expect(counterValue(await survivor.metrics(), 'watchpost_camera_state', { camera: cameras[0]! })).toBe(0);
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const taken = await until('the survivor streaming the orphaned camera', async () => {
      const s = await status(cameras[0]!);
      return s &&
        s.state === 'streaming' &&
        readerOf(s) === survivor &&
        s.lastFrameAt !== null &&
        s.lastFrameAt > killedAt
        ? s
        : null;
    });
    const gapMs = taken.lastFrameAt! - killedAt;
    console.log(`ingest fail-over: first frame from the survivor ${gapMs} ms after SIGKILL (lease ${LEASE_SECONDS} s)`);
    // Lease lapse, a lease round (a quarter lease), ffmpeg start-up: well within a few seconds.
    expect(gapMs).toBeLessThan(LEASE_SECONDS * 1000 + 8000);
    // The survivor kept its own camera throughout.
    expect(readerOf(await status(cameras[1]!))).toBe(survivor);
    expect(await held(survivor)).toBe(2);
    const states = await survivor.metrics();
    for (const id of cameras)
      expect(counterValue(states, 'watchpost_camera_state', { camera: id, state: 'streaming' })).toBe(1);
  }, 60_000);
});
