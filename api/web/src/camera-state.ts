import type { Alert, Camera, CameraState } from './types.js';

/** How each pipeline state reads to an operator, and how loud it is. */
export const CAMERA_STATE: Record<CameraState, { label: string; tone: 'ok' | 'warn' | 'alarm' | 'idle' }> = {
  streaming: { label: 'Online', tone: 'ok' },
  connecting: { label: 'Connecting', tone: 'idle' },
  stalled: { label: 'Stalled', tone: 'warn' },
  offline: { label: 'Offline', tone: 'alarm' },
  stopped: { label: 'Stopped', tone: 'idle' },
  unknown: { label: 'No status yet', tone: 'idle' },
};

/**
 * The state to show: the pipeline's, except that an open camera-offline alert wins
 * while the pipeline has no status (no ingest worker reporting is itself suspicious).
 */
export function cameraState(c: Camera, alerts: Alert[] = []): CameraState {
  const reported = c.status?.state ?? 'unknown';
  if (reported !== 'unknown') return reported;
  const offline = alerts.some(
    (a) => a.kind === 'camera_offline' && a.cameraId === c.id && (a.state === 'new' || a.state === 'acknowledged'),
  );
  return offline ? 'offline' : reported;
}

/**
 * Alerts that need a person now: dispatched and unacknowledged, and (for the control room, who
 * decide them) matches awaiting review. The header's count and the alerts page use this one rule.
 */
export const needsAttention = (alerts: Alert[], reviews: boolean) =>
  alerts.filter((a) => a.state === 'new' || (reviews && a.state === 'pending_review'));
