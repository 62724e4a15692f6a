import type { Config } from './config/index.js';
import type { CameraStatus } from './events.js';

/** States in which a running ingest worker rewrites the status every second or so. */
const HEARTBEAT_STATES = new Set<CameraStatus['state']>(['connecting', 'streaming', 'stalled']);
export const WORKER_SILENT_REASON = 'no status from the ingest worker';

/** The ingest worker rewrites a live camera's status every second; three offline periods of silence mean it died. */
export const staleStatusMs = (cfg: Pick<Config, 'ingest'>) => 3 * cfg.ingest.offlineSeconds * 1000;

/**
 * A live-looking status that has not been rewritten for `staleMs` means the ingest
 * worker itself died: the camera is not watched, whatever the last status said.
 */
export function workerSilent(status: CameraStatus | null | undefined, now: number, staleMs: number): boolean {
  return !!status && HEARTBEAT_STATES.has(status.state) && now - status.updatedAt > staleMs;
}
