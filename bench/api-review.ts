/**
 * Review before dispatch, timed (part of npm run bench:api): a match event on the `alerts` queue ->
 * pending_review alert -> the control room's webhook -> an operator client that confirms at once ->
 * the officer's `alert.confirmed` webhook. Reports the time from the event to that webhook.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createApiServer } from '../api/server.js';
import type { MatchEvent } from '../pipeline/events.js';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/logger.js';
import { openQueue } from '../runtime/queues.js';
import { Shutdown } from '../runtime/shutdown.js';
import { hostedAlertsWorker } from '../workers/alerts/index.js';

/** A local webhook receiver that hands each parsed body to `onBody` and answers 204. */
async function receiver(onBody: (body: { event: string; alert: { id: string; state: string } }) => void) {
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      res.writeHead(204).end();
      onBody(JSON.parse(raw));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};

/** A case with one perpetrator per event (each event its own appearance), its camera, and an officer on duty. */
async function seed(base: string, admin: string, officerUrl: string, events: number): Promise<string[]> {
  const call = async (path: string, body: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { id: string };
  };
  // One perpetrator per event: each event is its own appearance, so its own alert.
  const perps: string[] = [];
  for (let i = 0; i < events; i++) perps.push((await call('/v1/perpetrators', { name: `Bench ${i}` })).id);
  const kase = await call('/v1/cases', {
    victimRef: 'B-review',
    residence: 'bench',
    district: 'bench',
    riskLevel: 'very_high',
    perpetratorIds: perps,
    windowStart: Date.now() - 3600_000,
    windowEnd: Date.now() + 86_400_000,
  });
  await call('/v1/cameras', { id: 'bench-door', name: 'Bench door', url: 'rtsp://127.0.0.1/bench', caseId: kase.id });
  const pc = await call('/v1/officers', { name: 'PC Bench', badge: 'B-1', district: 'bench', webhookUrl: officerUrl });
  await call('/v1/shifts', { officerId: pc.id, startsAt: Date.now() - 60_000, endsAt: Date.now() + 3600_000 });

  return perps;
}

export async function benchReviewDispatch(redisUrl: string, events: number) {
  const dir = mkdtempSync(join(tmpdir(), 'wp-bench-review-'));
  const sentAt = new Map<string, number>();
  let operatorKey = '';
  let base = '';
  // The operator client: confirms every match awaiting review the moment its webhook arrives.
  const desk = await receiver((b) => {
    if (b.event === 'alert.created' && b.alert.state === 'pending_review')
      void fetch(`${base}/v1/alerts/${b.alert.id}/confirm`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: '{}',
      });
  });
  const received = new Map<string, number>();
  const officer = await receiver((b) => {
    if (b.event === 'alert.confirmed') received.set(b.alert.id, Date.now());
  });
  const cfg = loadConfig({
    env: {},
    overrides: {
      dataDir: dir,
      redisPrefix: 'bench-review',
      'log.level': 'warn',
      'log.format': 'json',
      'alerts.allowInsecureWebhooks': true,
      'alerts.controlRoom': [{ id: 'desk', name: 'Bench desk', url: desk.url, secret: 'whsec_bench_control_room' }],
    },
  });
  const log = createLogger(cfg, 'bench-review');
  const server = await createApiServer({
    cfg,
    log,
    redisUrl,
    webDist: null,
    authFailures: { perAddress: 1e9, perKey: 1e9 },
    alertsWorker: hostedAlertsWorker({ cfg, log, redisUrl, shutdown: new Shutdown(log) }),
  });
  const http = await server.listen(0, '127.0.0.1');
  base = http.url;
  operatorKey = (await server.createKey('operator', 'bench operator')).key;
  const admin = (await server.createKey('admin', 'bench admin')).key;
  const perps = await seed(base, admin, officer.url, events);
  const redis = new Redis(redisUrl);
  const queue = openQueue(QUEUE.alerts, { cfg, connection: redis });
  for (let i = 0; i < events; i++) {
    const now = Date.now();
    const ev: MatchEvent = {
      type: 'match',
      eventId: `bench-review-${i}-${now}`,
      cameraId: 'bench-door',
      trackId: `t-${i}`,
      perpetratorId: perps[i]!,
      name: `Bench ${i}`,
      distance: 0.35,
      scores: [{ ts: now - 500, seq: i, distance: 0.35, faceBox: [10, 10, 60, 60] }],
      best: { frameKey: 'gone', ts: now - 500, seq: i, personBox: null, faceBox: [10, 10, 60, 60], faceCropKey: null },
      firstSeen: now - 1000,
      lastSeen: now - 500,
      galleryVersion: 1,
    };
    const t0 = Date.now();
    await queue.add(JOB.match, ev, { jobId: ev.eventId });
    // The alert's id is known only once it is created: the start time is keyed by it afterwards.
    for (const until = t0 + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 2))) {
      const row = await server.db.db
        .selectFrom('alertSources')
        .select('alertId')
        .where('eventId', '=', ev.eventId)
        .executeTakeFirst();
      if (row) {
        sentAt.set(row.alertId, t0);
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  for (const until = Date.now() + 10_000; received.size < events && Date.now() < until; )
    await new Promise((r) => setTimeout(r, 50));
  const latencies = [...sentAt].flatMap(([id, t0]) => (received.has(id) ? [received.get(id)! - t0] : []));
  await queue.close();
  redis.disconnect();
  await http.close();
  await server.close();
  desk.server.close();
  officer.server.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    events,
    confirmedDispatches: latencies.length,
    p50Ms: pct(latencies, 50),
    p95Ms: pct(latencies, 95),
    maxMs: Math.max(...latencies),
    goalP95Ms: 1000,
  };
}
