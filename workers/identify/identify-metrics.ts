import { Counter } from 'prom-client';
import { registry } from '../../runtime/metrics.js';

export const identifyMetrics = {
  frames: new Counter({
    name: 'watchpost_identify_frames_total',
    help: 'Track frames through identification, by outcome (no_watchlist, expired, no_face, poor_quality, under_threshold, over_threshold)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  matches: new Counter({
    name: 'watchpost_matches_total',
    help: 'Match events raised (one per track that k of n frames identified)',
    labelNames: ['camera'] as const,
    registers: [registry],
  }),
};
