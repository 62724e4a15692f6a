import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { followEventStream } from '../../runtime/event-stream.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';
import type { DemoApiClient } from './demo-api-client.js';

/** Prints what happens in the pipeline, the way an operator would want to read it. */
export function say(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${line}\n`);
}

interface CameraDto {
  id: string;
  name: string;
  status: { state: string; fps: number | null; lastFrameAt: number | null } | null;
}

interface AlertDto {
  id: string;
  kind: string;
  state: string;
  perpetratorName: string | null;
  distance: number | null;
  cameraId: string | null;
  eventCount: number;
}

interface AlertDetailDto extends AlertDto {
  evidence: { id: string; kind: string; url: string; sha256: string; mime: string }[];
}

/** Camera state changes, polled through the API as the dashboard sees them. */
export function watchCameras(api: DemoApiClient, signal: AbortSignal): void {
  const last = new Map<string, string>();
  const poll = async () => {
    while (!signal.aborted) {
      try {
        for (const cam of (await api.request<{ items: CameraDto[] }>('GET', '/v1/cameras')).items) {
          const state = cam.status?.state ?? 'unknown';
          if (last.get(cam.id) !== state) {
            last.set(cam.id, state);
            say(`camera ${cam.name}: ${state}${cam.status?.fps ? ` (${cam.status.fps.toFixed(1)} fps)` : ''}`);
          }
        }
      } catch {
        /* the API is starting or stopping */
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void poll();
}

/** Tracks and face comparisons from the camera's track log (what the detect and identify workers record). */
export function watchTracks(redis: Redis, keys: RedisKeys, cameraId: string, signal: AbortSignal): void {
  const key = keys.trackLog(cameraId);
  let lastId = '$';
  const seenTracks = new Set<string>();
  const poll = async () => {
    while (!signal.aborted) {
      try {
        const res = (await redis.xread('COUNT', 100, 'BLOCK', 1000, 'STREAMS', key, lastId)) as
          | [string, [string, string[]][]][]
          | null;
        for (const [, entries] of res ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const record = JSON.parse(fields[1]!) as Record<string, unknown>;
            if (record.type === 'vote' && !seenTracks.has(String(record.trackId))) {
              seenTracks.add(String(record.trackId));
              say(`person detected (track ${String(record.trackId)}), comparing the face with the watchlist`);
            }
            if (record.type === 'vote' && typeof record.distance === 'number') {
              say(
                `  face on track ${String(record.trackId)}: nearest ${String(record.candidateName)} at distance ${record.distance.toFixed(3)}`,
              );
            }
            if (record.type === 'track') {
              const secs = ((Number(record.lastTs) - Number(record.firstTs)) / 1000).toFixed(1);
              say(`track ${String(record.trackId)} ended after ${secs} s (${String(record.hits)} detections)`);
            }
          }
        }
      } catch {
        if (!signal.aborted) await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  void poll();
}

/** How long the demo's operator looks at the evidence before confirming. */
const REVIEW_MS = 3000;

/** The control room's part: a match waits for a person; the demo's operator confirms it after a look. */
async function operatorReview(api: DemoApiClient, alert: AlertDto): Promise<void> {
  say(`  awaiting review: the control room must confirm before any officer is sent`);
  await new Promise((r) => setTimeout(r, REVIEW_MS));
  // Said first: the officer's webhook may arrive before the confirmation's answer does.
  say(`operator: confirmed the match after ${REVIEW_MS / 1000} s; dispatching the officer on duty`);
  try {
    await api.request('POST', `/v1/alerts/${alert.id}/confirm`, { note: 'demo operator: it is him' });
  } catch (err) {
    say(`operator: could not confirm (${(err as Error).message})`);
  }
}

const EXT: Record<string, string> = { 'video/mp4': 'mp4', 'application/json': 'json' };

/**
 * Alerts from the API's SSE stream; a match's evidence is downloaded to `evidenceDir`: the stills
 * when it is raised, its event clip when the evidence worker attaches it (an `alert.updated`).
 */
export function watchAlerts(api: DemoApiClient, key: string, evidenceDir: string, signal: AbortSignal): void {
  const saved = new Set<string>();
  const download = async (alertId: string) => {
    const detail = await api.request<AlertDetailDto>('GET', `/v1/alerts/${alertId}`);
    await mkdir(evidenceDir, { recursive: true });
    const files: { kind: string; file: string }[] = [];
    for (const e of detail.evidence) {
      if (saved.has(e.id)) continue;
      saved.add(e.id);
      const file = join(evidenceDir, `${alertId}-${e.kind}.${EXT[e.mime] ?? 'jpg'}`);
      await writeFile(file, await api.download(e.url));
      files.push({ kind: e.kind, file });
    }
    return files;
  };
  const handle = async (type: string, data: string) => {
    const { alert } = JSON.parse(data) as { alert: AlertDto };
    if (type !== 'alert.created') {
      say(`alert ${alert.id} ${alert.state} (${alert.eventCount} events)`);
      for (const f of await download(alert.id)) say(`  ${f.kind.startsWith('clip') ? 'clip' : 'evidence'}: ${f.file}`);
      return;
    }
    if (alert.kind !== 'match') {
      say(`ALERT ${alert.kind} on camera ${alert.cameraId ?? '-'}`);
      return;
    }
    const files = await download(alert.id);
    say(`ALERT match: ${alert.perpetratorName} at camera ${alert.cameraId}, distance ${alert.distance?.toFixed(3)}`);
    for (const f of files) say(`  evidence: ${f.file}`);
    if (alert.state === 'pending_review') void operatorReview(api, alert);
  };
  // Events are handled one after another, in stream order; a dropped stream resumes after the last one.
  let chain = Promise.resolve();
  void followEventStream({
    connect: (lastEventId, signal) =>
      fetch(`${api.baseUrl}/v1/alerts/stream`, {
        headers: { authorization: `Bearer ${key}`, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
        signal,
      }),
    onMessage: ({ event, data }) => {
      chain = chain.then(() =>
        handle(event, data).catch((err: Error) => say(`(could not read alert: ${err.message})`)),
      );
    },
    signal,
  });
}
