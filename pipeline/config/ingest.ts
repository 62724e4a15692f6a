import { z } from 'zod';
import { regionSettingSchema } from '../regions.js';

/** One camera watched by the ingest worker. `url` may carry RTSP credentials: never log or echo it. */
export const cameraSchema = z
  .object({
    /** Stable camera id, used in Redis keys, events and alerts. */
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64 chars)'),
    /** Name shown to operators. */
    name: z.string().min(1).optional(),
    /** rtsp://, rtsps://, http(s)://, or a file path when ingest.allowFileSources is set. */
    url: z.string().min(1),
    /** The stream event clips are recorded from (e.g. the camera's main stream); default: url. */
    recordUrl: z.string().min(1).optional(),
    /** Protection case this camera belongs to; decides which watchlist applies. */
    caseId: z.string().optional(),
    /** Overrides ingest.fps for this camera. */
    fps: z.number().positive().max(30).optional(),
    /** Overrides detect.regions for this camera (whole, tiles, motion, auto). */
    regions: regionSettingSchema.optional(),
  })
  .strict();
export type CameraConfig = z.infer<typeof cameraSchema>;

export const ingestSchema = z
  .object({
    /** Frames sampled per second from each camera. */
    fps: z.number().positive().max(30).default(5),
    /** Frames wider than this are scaled down by ffmpeg before JPEG encoding. */
    maxWidth: z.number().int().min(64).max(7680).default(1280),
    /** JPEG quality (ffmpeg -q:v, 2 best .. 31 worst). */
    jpegQuality: z.number().int().min(2).max(31).default(4),
    /** Threads of each camera's ffmpeg (0: ffmpeg's choice); 1 suits up to 1080p cameras, one process per camera. */
    ffmpegThreads: z.number().int().min(0).max(64).default(1),
    /** RTSP transport: tcp, udp, or auto (tcp first, then udp). */
    rtspTransport: z.enum(['tcp', 'udp', 'auto']).default('auto'),
    /** No frame for this long: camera is stalled (reconnect begins). */
    stallSeconds: z.number().positive().default(5),
    /** No frame for this long: camera.offline event (tampering is a threat). */
    offlineSeconds: z.number().positive().default(15),
    /** Live mode: most frames of one camera waiting for detection; newer frames win. */
    maxInFlightPerCamera: z.number().int().min(1).max(100).default(4),
    /** How long frame bytes live in Redis: long enough for detection and identification to catch up; matched frames are kept longer as evidence. */
    frameTtlSeconds: z.number().int().min(5).default(30),
    /**
     * Several ingest workers share the cameras: each reads those it holds a lease on.
     * A worker that dies loses its cameras to the others after this long (renewed 4x as often):
     * the cameras are blind meanwhile. Shorter than an event-loop or Redis stall: cameras change hands needlessly.
     */
    leaseSeconds: z.number().min(0.5).max(300).default(3),
    /**
     * This ingest process's name in the camera leases; unique per process, stable across its
     * restarts (e.g. the container's name), so a restarted worker takes its cameras straight
     * back instead of waiting out its own leases. Unset: host, pid and a random suffix.
     */
    workerId: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits, _ . : - (1-100 chars)')
      .optional(),
    /** Reconnect backoff: first delay in ms (doubling, with jitter). */
    backoffInitialMs: z.number().int().min(10).default(500),
    /** Reconnect backoff cap, in ms. */
    backoffMaxMs: z.number().int().min(100).default(30_000),
    /** Accept local files as camera sources (the demo and replays); off, a client cannot point ffmpeg at /etc/passwd. */
    allowFileSources: z.boolean().default(false),
  })
  .strict();
