import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { configSchema, type Config, type ConfigInput } from '../pipeline/config/index.js';
import { detectQueueName, partitionOf, type FrameJob } from '../pipeline/queues.js';
import { globalKeys } from '../pipeline/redis-keys.js';
import { createLogger } from '../runtime/logger.js';
import { Shutdown } from '../runtime/shutdown.js';

/** Test footage and config for the ingest tests (generated here with ffmpeg's lavfi sources, nothing downloaded). */
export function footageDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ingest-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An H.264 clip of the testsrc2 pattern, 320x240 at 25 fps, a keyframe every 10 frames. */
export function makeClip(dir: string, name: string, seconds: number): string {
  const path = join(dir, name);
  const r = spawnSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=320x240:rate=25`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '10',
    path,
  ]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return path;
}

export function testConfig(input: ConfigInput): Config {
  return configSchema.parse({ log: { level: process.env.LOG_LEVEL ?? 'silent', format: 'json' }, ...input });
}

export function testContext(cfg: Config, redisUrl: string) {
  const log = createLogger(cfg, 'test');
  return { cfg, log, redisUrl, shutdown: new Shutdown(log) };
}

/** The detect partition queue a camera's frames go to (for inspection). */
export function detectQueueOf(cfg: Config, connection: Redis, cameraId: string): Queue {
  const name = detectQueueName(partitionOf(cameraId, cfg.detect.partitions));
  return new Queue(name, {
    connection,
    prefix: globalKeys(cfg.redisPrefix).bull(name),
  });
}

export async function frameJobsOf(
  queue: Queue,
  cameraId: string,
  states: ('waiting' | 'active' | 'delayed' | 'completed')[] = ['waiting', 'active', 'delayed'],
): Promise<FrameJob[]> {
  const jobs: Job[] = await queue.getJobs(states);
  return jobs
    .map((j) => j.data as FrameJob)
    .filter((d) => d.cameraId === cameraId)
    .sort((a, b) => a.seq - b.seq);
}
