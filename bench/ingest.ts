/**
 * Ingest benchmark: what one camera costs before any model runs.
 *  1. ffmpeg: decode a 1280x720 H.264 source at 25 fps, sample 5 fps, encode JPEGs
 *     (CPU of the ffmpeg child, from /proc/self/stat cutime+cstime);
 *  2. this process: framing, JPEG check, store in Redis, FrameJob on the queue
 *     (lossless ingestFile with a consumer that only completes jobs);
 *  3. so, how many 5 fps cameras the ingest stage alone could take per core.
 * Footage is generated with ffmpeg's lavfi testsrc2 (nothing downloaded).
 *
 *   npm run bench:ingest [-- --json] [-- --seconds 20]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { configSchema } from '../pipeline/config/index.js';
import { detectQueueName, partitionOf } from '../pipeline/queues.js';
import { globalKeys } from '../pipeline/redis-keys.js';
import { startEmbeddedRedis } from '../runtime/embedded-redis.js';
import { startFfmpegFrames } from '../runtime/ffmpeg/ffmpeg-frames.js';
import { workerConnection } from '../runtime/redis.js';
import { ingestFile } from '../workers/ingest/index.js';

const json = process.argv.includes('--json');
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 20;
const SOURCE_FPS = 25;
const FPS = 5;
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** CPU seconds of this process's reaped children (Linux /proc/self/stat, clock ticks of 10 ms). */
function childCpuSec(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const dir = mkdtempSync(join(tmpdir(), 'wp-bench-ingest-'));
try {
  const clip = join(dir, 'cam720.mp4');
  progress(`generating ${SECONDS} s of 1280x720@${SOURCE_FPS} H.264`);
  const gen = spawnSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=1280x720:rate=${SOURCE_FPS}`,
    '-t',
    String(SECONDS),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-g',
    '50',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  if (gen.status !== 0) throw new Error(gen.stderr.toString());

  progress('ffmpeg decode + sample + JPEG encode');
  const cpu0 = childCpuSec();
  const t0 = performance.now();
  const src = startFfmpegFrames({ url: clip, fps: FPS, maxWidth: 1280, jpegQuality: 4 });
  let frames = 0;
  let bytes = 0;
  for await (const ev of src.frames)
    if (ev.type === 'frame') {
      frames++;
      bytes += ev.jpeg.length;
    }
  await src.exited;
  const ffmpegCpu = childCpuSec() - cpu0;
  const ffmpegWall = (performance.now() - t0) / 1000;

  progress('ingest publish path (lossless, Redis + BullMQ)');
  const redis = await startEmbeddedRedis();
  const cfg = configSchema.parse({
    redisPrefix: 'bench',
    ingest: { fps: FPS, maxInFlightPerCamera: 8 },
    detect: { partitions: 1 },
    log: { level: 'silent' },
  });
  const connection = workerConnection(redis.url);
  const consumer = new Worker(detectQueueName(partitionOf('cam', 1)), async () => undefined, {
    connection,
    prefix: globalKeys('bench').bull(detectQueueName(partitionOf('cam', 1))),
    concurrency: 4,
  });
  const own0 = process.cpuUsage();
  const c0 = childCpuSec();
  const t1 = performance.now();
  const result = await ingestFile({ cfg, redisUrl: redis.url, path: clip, cameraId: 'cam', replayId: 'bench' });
  const wall = (performance.now() - t1) / 1000;
  const own = process.cpuUsage(own0);
  const nodeCpu = (own.user + own.system) / 1e6;
  const ffmpegCpu2 = childCpuSec() - c0;
  await consumer.close();
  connection.disconnect();
  await redis.stop();

  const perCameraCores = ffmpegCpu / SECONDS + (nodeCpu / result.frames) * FPS;
  const figures = {
    source: `1280x720@${SOURCE_FPS} H.264, ${SECONDS} s`,
    sampledFps: FPS,
    frames,
    jpegKbAvg: Math.round(bytes / frames / 1024),
    ffmpegCpuSecPerVideoSec: +(ffmpegCpu / SECONDS).toFixed(3),
    ffmpegSpeedX: +(SECONDS / ffmpegWall).toFixed(1),
    ingestFramesPerSec: +(result.frames / wall).toFixed(1),
    nodeCpuMsPerFrame: +((nodeCpu / result.frames) * 1000).toFixed(2),
    ffmpegCpuDuringIngestSec: +ffmpegCpu2.toFixed(2),
    coresPerLiveCamera: +perCameraCores.toFixed(3),
    liveCamerasPerCoreIngestOnly: Math.floor(1 / perCameraCores),
  };
  if (json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  else for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(30)} ${v}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
