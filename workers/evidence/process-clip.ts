import { createHash } from 'node:crypto';
import { decodeFrame, encodeJpeg } from '../../models/index.js';
import type { Config } from '../../pipeline/config/index.js';
import { type ClipJob, type ClipReady, JOB } from '../../pipeline/queues.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';
import { segmentsToMp4 } from '../../runtime/ffmpeg/ffmpeg-clip.js';
import type { FrameStore } from '../../runtime/frame-store.js';
import type { Logger } from '../../runtime/logger.js';
import type { JobQueue } from '../../runtime/queues.js';
import type { SegmentStore } from '../../runtime/segment-store.js';
import type { Redis } from 'ioredis';
import { type RedactionModels, redactStill, redactVideo } from './redact.js';

export interface ClipDeps {
  cfg: Config;
  log: Logger;
  redis: Redis;
  keys: RedisKeys;
  segments: SegmentStore;
  frames: FrameStore;
  /** Redaction models; null: no redacted copies (the alert says so). */
  models: RedactionModels | null;
  alertsQueue: JobQueue<'alerts'>;
  clock?: () => number;
}

/** Files a clip job leaves in Redis live this long for the alerts side to take them. */
const FILE_TTL_SECONDS = 3600;
/** How often a waiting clip job pins the buffer's newest segments. */
const PIN_EVERY_MS = 1000;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * One alert's clip: waits until the camera's buffer holds `toMs` (pinning the segments it will use
 * meanwhile, so the rolling buffer's TTL cannot take them), joins them into an MP4 without
 * re-encoding, makes copies with bystanders pixelated (clip and still) and hands everything to the
 * alerts side. Idempotent: a retried job makes the same files under the same keys.
 */
export async function processClip(job: ClipJob, deps: ClipDeps): Promise<ClipReady> {
  const clock = deps.clock ?? Date.now;
  const seg = deps.cfg.evidence.segmentSeconds * 1000;
  const readyAt = job.toMs + 2 * seg;
  for (;;) {
    const now = clock();
    const held = await deps.segments.overlapping(job.cameraId, job.fromMs, now);
    await deps.segments.pin(held, Math.ceil((readyAt - now) / 1000) + 120);
    if (now >= readyAt) break;
    await new Promise((r) => setTimeout(r, Math.min(PIN_EVERY_MS, readyAt - now)));
  }
  const segs = await deps.segments.overlapping(job.cameraId, job.fromMs, job.toMs);
  const ready: ClipReady = { alertId: job.alertId, cameraId: job.cameraId, startMs: null, endMs: null, files: [] };
  const keep = async (kind: ClipReady['files'][number]['kind'], bytes: Buffer, mime: string) => {
    const key = deps.keys.evidenceFile(job.alertId, kind);
    await deps.redis.set(key, bytes, 'EX', FILE_TTL_SECONDS);
    ready.files.push({ kind, key, sha256: sha256(bytes), mime });
  };
  const notes: string[] = [];

  if (segs.length) {
    const parts = await Promise.all(segs.map((s) => deps.segments.get(s)));
    const present = segs.filter((_, i) => parts[i]);
    const mp4 = await segmentsToMp4(parts.filter((p): p is Buffer => !!p));
    ready.startMs = present[0]?.startMs ?? null;
    ready.endMs = present.at(-1)?.endMs ?? null;
    await keep('clip', mp4, 'video/mp4');
    if (deps.models && ready.startMs !== null) {
      const { mp4: redacted, track } = await redactVideo(
        mp4,
        { offsetMs: job.sightingTs - ready.startMs, personBox: job.personBox },
        deps.models,
      );
      await keep('clip_redacted', redacted, 'video/mp4');
      await keep('clip_track', Buffer.from(JSON.stringify(track)), 'application/json');
    }
  } else notes.push('no video was buffered for this camera around the sighting');

  const frame = job.frameKey ? await deps.frames.get(job.frameKey) : null;
  if (frame && deps.models) {
    const { image } = await redactStill(await decodeFrame(frame), job.personBox, deps.models);
    await keep('snapshot_redacted', await encodeJpeg(image, 88), 'image/jpeg');
  }
  if (!deps.models) notes.push('redaction is off on this evidence worker');
  if (notes.length) ready.note = notes.join('; ');
  await deps.alertsQueue.add(JOB.clipReady, ready, { jobId: `clip-ready-${job.alertId}` });
  deps.log.info(
    { alert: job.alertId, camera: job.cameraId, files: ready.files.map((f) => f.kind), note: ready.note },
    'event clip ready',
  );
  return ready;
}
