import { describe, expect, it } from 'vitest';
import { metrics, observeJob, setCameraState, startMetricsServer } from './metrics.js';

describe('metrics', () => {
  it('serves the pipeline metrics at /metrics and nothing else', async () => {
    setCameraState('cam-m', 'stalled');
    metrics.framesDropped.inc({ camera: 'cam-m', reason: 'superseded' }, 3);
    observeJob('detect', 'frame', 0.042, true);
    const server = await startMetricsServer(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain('watchpost_camera_state{camera="cam-m",state="stalled"} 1');
      expect(body).toContain('watchpost_camera_state{camera="cam-m",state="streaming"} 0');
      expect(body).toContain('watchpost_frames_dropped_total{camera="cam-m",reason="superseded"} 3');
      expect(body).toMatch(
        /watchpost_job_duration_seconds_bucket\{le="0.05",queue="detect",job="frame",outcome="completed"\} 1/,
      );
      expect(body).toContain('watchpost_process_cpu_seconds_total');
      expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
