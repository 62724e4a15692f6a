import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../../runtime/metrics.js';

/** API series, in the process registry next to the pipeline's (one /metrics for both). */
export const apiMetrics = {
  requests: new Histogram({
    name: 'watchpost_http_request_duration_seconds',
    help: 'HTTP request time by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  authFailures: new Counter({
    name: 'watchpost_http_auth_failures_total',
    help: 'Requests refused for a missing or invalid key (401) or the wrong role (403)',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  alertEvents: new Counter({
    name: 'watchpost_alert_events_total',
    help: 'Pipeline events handled by the alerts worker, by outcome (created, updated, duplicate, suppressed, ignored)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  sseClients: new Gauge({
    name: 'watchpost_sse_clients',
    help: 'Open /v1/alerts/stream connections',
    registers: [registry],
  }),
};

/** Times each request under its route pattern (not its URL: ids would explode the label set). */
export const requestTimer: RequestHandler = (req, res, next) => {
  const end = apiMetrics.requests.startTimer();
  res.on('finish', () => {
    const route =
      (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'other');
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
};
