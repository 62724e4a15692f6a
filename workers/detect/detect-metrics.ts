import { Counter } from 'prom-client';
import { registry } from '../../runtime/metrics.js';

/** Detect-stage metrics (the shared ones, dropped and corrupt frames, live in runtime/metrics.ts). */
export const detectMetrics = {
  gated: new Counter({
    name: 'watchpost_motion_gate_frames_total',
    help: 'Frames seen by the motion gate: detected (went to person detection) or skipped (no motion, no live track)',
    labelNames: ['camera', 'outcome'] as const,
    registers: [registry],
  }),
  regions: new Counter({
    name: 'watchpost_detect_regions_total',
    help: 'Detector runs: regions examined (detect.regions: the whole frame, tiles or motion crops)',
    labelNames: ['camera'] as const,
    registers: [registry],
  }),
  outOfOrder: new Counter({
    name: 'watchpost_frames_out_of_order_total',
    help: 'Frames older than one already tracked (a retried job overtaken by later frames): not tracked',
    labelNames: ['camera'] as const,
    registers: [registry],
  }),
};
