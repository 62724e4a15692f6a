/**
 * Evidence benchmark: what a camera's rolling video buffer costs, and that it stays bounded.
 * For a 720p and a 1080p H.264 camera (constant bitrate, 2 s GOP, generated with ffmpeg's lavfi
 * testsrc2: nothing downloaded) a real ClipRecorder copies the stream into segments in Redis for
 * `--seconds` (default 60, 2.5 buffer lifetimes) with the default evidence config. Every 2 s it
 * samples the camera's segments in Redis (count and bytes), Redis's own memory, the recorder's
 * ffmpeg (RSS) and its disk (the segment being written). Figures are for the steady state, after
 * the first buffer lifetime; `growth` compares its last third with its first (1.0 = flat).
 *
 *   npm run bench:evidence [-- --json] [-- --seconds 60]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../pipeline/config/index.js';
import { segmentTtlSeconds } from '../pipeline/config/evidence.js';
import { redisKeys } from '../pipeline/redis-keys.js';
import { startEmbeddedRedis } from '../runtime/embedded-redis.js';
import { createLogger } from '../runtime/logger.js';
import { workerConnection } from '../runtime/redis.js';
import { SegmentStore } from '../runtime/segment-store.js';
import { ClipRecorder } from '../workers/ingest/clip-recorder.js';

const json = process.argv.includes('--json');
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 60;
const SAMPLE_MS = 2000;
const CAMERAS = [
  { name: '720p', size: '1280x720', mbps: 3 },
  { name: '1080p', size: '1920x1080', mbps: 6 },
];
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const MB = 1024 * 1024;

interface Sample {
  at: number;
  segments: number;
  segmentBytes: number;
  redisUsed: number;
  ffmpegRss: number;
  disk: number;
}

const rssOf = (pid: number | undefined) => {
  if (!pid) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
};
const diskOf = (dir: string) =>
  readdirSync(dir).reduce((n, f) => {
    try {
      return n + statSync(join(dir, f)).size;
    } catch {
      return n; // moved into Redis between the listing and the stat
    }
  }, 0);

function generate(dir: string, cam: (typeof CAMERAS)[number]): string {
  const file = join(dir, `${cam.name}.mp4`);
  const rate = `${cam.mbps}M`;
  const gen = spawnSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${cam.size}:rate=25`, '-t', '20'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p'],
    ...['-b:v', rate, '-minrate', rate, '-maxrate', rate, '-bufsize', rate, '-x264-params', 'nal-hrd=cbr'],
    ...['-y', file],
  ]);
  if (gen.status !== 0) throw new Error(gen.stderr.toString());
  return file;
}

const dir = mkdtempSync(join(tmpdir(), 'wp-bench-evidence-'));
const redis = await startEmbeddedRedis();
const connection = workerConnection(redis.url);
try {
  const cfg = configSchema.parse({ redisPrefix: 'bench-ev', detect: { partitions: 1 }, log: { level: 'silent' } });
  const ttl = segmentTtlSeconds(cfg.evidence);
  const segments = new SegmentStore(connection, { prefix: cfg.redisPrefix, partitions: 1 });
  const keys = redisKeys(cfg.redisPrefix, 1);
  const results: Record<string, unknown>[] = [];
  for (const cam of CAMERAS) {
    progress(`generating 20 s of ${cam.size} H.264 at ${cam.mbps} Mbit/s`);
    const file = generate(dir, cam);
    const cameraId = `cam-${cam.name}`;
    const log = createLogger({ log: { level: 'silent', format: 'json' } });
    const rec = new ClipRecorder({ id: cameraId, url: file }, { cfg, log, segments });
    progress(`recording ${cam.name} for ${SECONDS} s (buffer TTL ${ttl} s)`);
    const t0 = Date.now();
    rec.start();
    const samples: Sample[] = [];
    while (Date.now() - t0 < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const live = await segments.overlapping(cameraId, 0, Date.now() + 60_000);
      const pipe = connection.pipeline();
      for (const s of live) pipe.strlen(keys.videoSegment(cameraId, s.startMs));
      const sizes = ((await pipe.exec()) ?? []).map(([, n]) => Number(n));
      const info = await connection.info('memory');
      const run = rec.running;
      samples.push({
        at: (Date.now() - t0) / 1000,
        segments: live.length,
        segmentBytes: sizes.reduce((a, b) => a + b, 0),
        redisUsed: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0),
        ffmpegRss: rssOf(run?.pid),
        disk: run ? diskOf(run.dir) : 0,
      });
    }
    await rec.stop();
    const steady = samples.filter((s) => s.at > ttl + 4);
    const third = Math.max(1, Math.floor(steady.length / 3));
    const mean = (xs: Sample[], k: keyof Sample) => xs.reduce((a, s) => a + s[k], 0) / xs.length;
    const max = (k: keyof Sample) => Math.max(...steady.map((s) => s[k]));
    results.push({
      camera: `${cam.size} H.264 ${cam.mbps} Mbit/s, 25 fps, 2 s GOP`,
      bufferTtlSec: ttl,
      segmentsStored: rec.segmentsStored,
      segmentsHeldMax: max('segments'),
      redisMbMean: +(mean(steady, 'segmentBytes') / MB).toFixed(1),
      redisMbMax: +(max('segmentBytes') / MB).toFixed(1),
      redisUsedMbMax: +(max('redisUsed') / MB).toFixed(1),
      ffmpegRssMbMax: +(max('ffmpegRss') / MB).toFixed(1),
      diskMbMax: +(max('disk') / MB).toFixed(2),
      growth: +(mean(steady.slice(-third), 'segmentBytes') / mean(steady.slice(0, third), 'segmentBytes')).toFixed(2),
      seconds: SECONDS,
    });
    await connection.flushdb();
  }
  if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else
    for (const r of results) {
      for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(18)} ${v}\n`);
      process.stdout.write('\n');
    }
} finally {
  connection.disconnect();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
