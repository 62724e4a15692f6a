import type { Redis } from 'ioredis';
import { z } from 'zod';
import { cameraSchema, type CameraConfig } from '../../pipeline/config/index.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { cameraUrlProblem } from '../../pipeline/safe-targets.js';
import type { Logger } from '../../runtime/logger.js';

/** An entry of the registry the API publishes; extra fields (added by the API later) are ignored. */
const registryEntrySchema = z.object({
  id: z.string(),
  url: z.string(),
  name: z.string().optional(),
  caseId: z.string().optional(),
  fps: z.number().optional(),
});

/**
 * Cameras to watch: the configured ones plus those registered through the API
 * (`<prefix>:cameras`, a JSON array). Invalid entries are skipped with a warning
 * (one bad camera must not stop the others); a registered id that the config also
 * defines is ignored (the config wins). A registered local file is refused unless
 * ingest.allowFileSources is set, whatever wrote the registry.
 */
export async function readCameras(
  redis: Redis,
  prefix: string,
  configured: readonly CameraConfig[],
  log: Logger,
  allowFileSources = false,
): Promise<CameraConfig[]> {
  const raw = await redis.get(globalKeys(prefix).cameraRegistry);
  const cameras = [...configured];
  if (!raw) return cameras;
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    log.warn('camera registry is not valid JSON: ignored');
    return cameras;
  }
  if (!Array.isArray(list)) {
    log.warn('camera registry is not a JSON array: ignored');
    return cameras;
  }
  const ids = new Set(cameras.map((c) => c.id));
  for (const entry of list) {
    const loose = registryEntrySchema.safeParse(entry);
    const cam = loose.success ? cameraSchema.safeParse(loose.data) : loose;
    if (!cam.success) {
      log.warn(
        {
          id: (entry as { id?: unknown })?.id,
          issues: cam.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        },
        'invalid registered camera: skipped',
      );
      continue;
    }
    const unsafe = cameraUrlProblem(cam.data.url, { allowFileSources });
    if (unsafe) {
      log.warn({ camera: cam.data.id, reason: unsafe }, 'registered camera refused');
      continue;
    }
    if (ids.has(cam.data.id)) {
      log.warn({ camera: cam.data.id }, 'registered camera has the id of a configured one: ignored');
      continue;
    }
    ids.add(cam.data.id);
    cameras.push(cam.data);
  }
  return cameras;
}

/**
 * Calls `onChange` with the full camera list now, on every message on
 * `<prefix>:cameras:changed`, after the subscriber reconnects (a message may have
 * been missed while Redis was away) and every `pollMs` as a safety net.
 */
export function watchCameras(opts: {
  redis: Redis;
  subscriber: Redis;
  prefix: string;
  configured: readonly CameraConfig[];
  log: Logger;
  onChange: (cameras: CameraConfig[]) => Promise<void> | void;
  pollMs?: number;
  allowFileSources?: boolean;
}): { ready: Promise<void>; close(): Promise<void> } {
  const channel = globalKeys(opts.prefix).cameraRegistryChanged;
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  // Reloads run one after another, so an older list never overwrites a newer one.
  const reload = () => {
    running = running.then(async () => {
      if (closed) return;
      try {
        await opts.onChange(
          await readCameras(opts.redis, opts.prefix, opts.configured, opts.log, opts.allowFileSources),
        );
      } catch (err) {
        opts.log.warn({ err }, 'could not reload the camera registry');
      }
    });
    return running;
  };
  const onMessage = (ch: string) => ch === channel && void reload();
  opts.subscriber.on('message', onMessage);
  const onReady = () => void reload();
  opts.subscriber.on('ready', onReady);
  const timer = setInterval(reload, opts.pollMs ?? 30_000);
  const ready = opts.subscriber.subscribe(channel).then(reload);
  return {
    ready,
    async close() {
      closed = true;
      clearInterval(timer);
      opts.subscriber.off('message', onMessage);
      opts.subscriber.off('ready', onReady);
      await running;
    },
  };
}
