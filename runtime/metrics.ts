import { createServer, type Server } from 'node:http';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The process's Prometheus registry: pipeline metrics plus Node's defaults (CPU, memory, event loop). */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'watchpost_' });

const watchedQueues = new Set<Queue>();

export const CAMERA_STATES = ['connecting', 'streaming', 'stalled', 'offline', 'stopped'] as const;

export const metrics = {
  jobDuration: new Histogram({
    name: 'watchpost_job_duration_seconds',
    help: 'Processing time of one job, per queue (pipeline stage), job name and outcome',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  queueDepth: new Gauge({
    name: 'watchpost_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from Redis at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of watchedQueues) {
        try {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
          for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
        } catch {
          // Redis down: the scrape still answers, the depth series are just absent.
        }
      }
    },
  }),
  framesCaptured: new Counter({
    name: 'watchpost_frames_captured_total',
    help: 'Frames read from a camera and stored',
    labelNames: ['camera'] as const,
    registers: [registry],
  }),
  framesDropped: new Counter({
    name: 'watchpost_frames_dropped_total',
    help:
      'Live frames dropped (superseded: an older waiting frame removed as detection fell behind; skipped: the new ' +
      'frame not queued; backlog: the previous frame still being stored; redis_down: Redis unreachable)',
    labelNames: ['camera', 'reason'] as const,
    registers: [registry],
  }),
  framesCorrupt: new Counter({
    name: 'watchpost_frames_corrupt_total',
    help: 'Frames that were not a decodable JPEG: skipped, never forwarded',
    labelNames: ['camera'] as const,
    registers: [registry],
  }),
  cameraState: new Gauge({
    name: 'watchpost_camera_state',
    help: 'Camera state: 1 for the current state, 0 for the others',
    labelNames: ['camera', 'state'] as const,
    registers: [registry],
  }),
  cameraReconnects: new Counter({
    name: 'watchpost_camera_reconnects_total',
    help: 'ffmpeg restarts per camera',
    labelNames: ['camera'] as const,
    registers: [registry],
  }),
  evidenceTampered: new Counter({
    name: 'watchpost_evidence_tampered_total',
    help:
      'Stored evidence or enrolment photos refused because their bytes no longer match their SHA-256 or do not ' +
      'decrypt (an alarm: logged, audited, flagged on the alert), per kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  ingestCameras: new Gauge({
    name: 'watchpost_ingest_cameras',
    help: 'Cameras this ingest worker reads (holds the lease of)',
    registers: [registry],
  }),
};

/** Records one processed job in the per-stage duration histogram. */
export function observeJob(queue: string, job: string, seconds: number, ok: boolean): void {
  metrics.jobDuration.observe({ queue, job, outcome: ok ? 'completed' : 'failed' }, seconds);
}

/** Sets the camera state gauge (one series per state, the current one at 1). */
export function setCameraState(camera: string, state: (typeof CAMERA_STATES)[number]): void {
  for (const s of CAMERA_STATES) metrics.cameraState.set({ camera, state: s }, s === state ? 1 : 0);
}

/** Drops a camera's state series: another ingest worker reads it now, and reports it. */
export function clearCameraState(camera: string): void {
  for (const s of CAMERA_STATES) metrics.cameraState.remove({ camera, state: s });
}

/** Adds queues whose depths are reported at each scrape; returns a function that removes them. */
export function watchQueueDepths(queues: Queue[]): () => void {
  for (const q of queues) watchedQueues.add(q);
  return () => {
    for (const q of queues) watchedQueues.delete(q);
  };
}

/** A tiny HTTP server answering GET /metrics (for worker processes, `--metrics-port`). Port 0 picks a free one. */
export async function startMetricsServer(
  port: number,
  host = '0.0.0.0',
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
