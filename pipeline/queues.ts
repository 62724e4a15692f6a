import { z } from 'zod';

/**
 * Queue topology: every queue, its job names and the shape of their data, in one
 * registry (validated at the producer and at the consumer). Jobs carry references,
 * never pixels: frame bytes live in Redis keys with a TTL (see redis-keys.ts).
 *
 *   ingest ──frame──▶ detect-<p> (P partitions by camera hash, concurrency 1 each: frames of a camera in order)
 *          ──identify──▶ identify ──match──▶ alerts ◀──camera.offline / camera.online── ingest
 */
const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);

/** live: lossy and bounded (newer frames win); lossless: replays, nothing is dropped. */
export const frameModeSchema = z.enum(['live', 'lossless']);

export const frameJobSchema = z.object({
  cameraId: z.string(),
  /** Frame number within this camera's stream session, strictly increasing. */
  seq: z.number().int().nonnegative(),
  /** Capture time, ms since epoch (replays: start time + media time). */
  ts: z.number(),
  /** Redis key of the JPEG bytes. */
  frameKey: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  mode: frameModeSchema,
  /** Analysts' replay run this frame belongs to. */
  replayId: z.string().optional(),
});
export type FrameJob = z.infer<typeof frameJobSchema>;

export const identifyJobSchema = frameJobSchema.extend({
  trackId: z.string(),
  /** Person box in frame pixels; the face is searched in its head region. */
  personBox: box,
});
export type IdentifyJob = z.infer<typeof identifyJobSchema>;

export const QUEUE = {
  /** Prefix of the detect partitions: detect-0 .. detect-(P-1). */
  detect: 'detect',
  identify: 'identify',
  alerts: 'alerts',
} as const;

export const JOB = {
  frame: 'frame',
  identify: 'identify',
  match: 'match',
  cameraOffline: 'camera.offline',
  cameraOnline: 'camera.online',
} as const;

/** FNV-1a: a stable, fast hash so a camera always lands on the same detect partition. */
export function partitionOf(cameraId: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < cameraId.length; i++) {
    h ^= cameraId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

export const detectQueueName = (partition: number) => `${QUEUE.detect}-${partition}`;
