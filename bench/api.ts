/**
 * Alert API under load (npm run bench:api [-- --json] [--duration 10] [--connections 100]):
 *  1. GET /v1/alerts?limit=50 over a database of 2,000 alerts, 100 concurrent clients;
 *  2. SSE fan-out: 100 open /v1/alerts/stream clients while 100 concurrent clients POST
 *     victim SOS presses (each commits a journal entry that goes to every stream):
 *     request rate and p99 of the POSTs, and commit-to-client latency of the fan-out;
 *  3. review before dispatch: match event -> confirmed dispatch webhook with an operator client that
 *     confirms at once (bench/api-review.ts; --review-events N, default 30).
 * SQLite by default; BENCH_DATABASE_URL=postgres://... for PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createApiServer } from '../api/server.js';
import { newId } from '../storage/repositories/ids.js';
import { newAlertRow } from '../alerting/alert-ledger.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/logger.js';
import { startEmbeddedRedis } from '../runtime/embedded-redis.js';
import { readEventStream } from '../runtime/event-stream.js';
import { benchReviewDispatch } from './api-review.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const duration = arg('duration', 10);
const connections = arg('connections', 100);
const json = process.argv.includes('--json');

const dir = mkdtempSync(join(tmpdir(), 'wp-bench-api-'));
const redis = await startEmbeddedRedis();
const cfg = loadConfig({
  env: {},
  overrides: {
    dataDir: dir,
    redisPrefix: 'bench',
    'log.level': 'warn',
    'log.format': 'json',
    databaseUrl: process.env.BENCH_DATABASE_URL,
  },
});
const server = await createApiServer({
  cfg,
  log: createLogger(cfg, 'bench'),
  redisUrl: redis.url,
  webDist: null,
  authFailures: { perAddress: 1e9, perKey: 1e9 },
});
const { url, close } = await server.listen(0, '127.0.0.1');
const key = (await server.createKey('operator', 'bench')).key;
const auth = { authorization: `Bearer ${key}` };

// Seed: 2,000 alerts over 20 cameras.
const now = Date.now();
const rows = Array.from({ length: 2000 }, (_, i) =>
  newAlertRow(newId('alr'), 'match', now - i * 1000, now - i * 1000, {
    state: i % 7 === 0 ? 'resolved' : 'new',
    cameraId: `cam-${i % 20}`,
    perpetratorId: `prp-${i % 50}`,
    perpetratorName: `Person ${i % 50}`,
    distance: 0.4,
    details: JSON.stringify({ trackId: `t${i}`, scores: [] }),
  }),
);
for (let i = 0; i < rows.length; i += 200)
  await server.db.db
    .insertInto('alerts')
    .values(rows.slice(i, i + 200))
    .execute();

const run = (opts: autocannon.Options) =>
  new Promise<autocannon.Result>((resolve, reject) => autocannon(opts, (err, r) => (err ? reject(err) : resolve(r))));

const list = await run({ url: `${url}/v1/alerts?limit=50`, headers: auth, connections, duration });

// SSE fan-out.
const caseRes = await fetch(`${url}/v1/cases`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({
    victimRef: 'B-1',
    residence: 'bench',
    district: 'bench',
    riskLevel: 'high',
    windowEnd: Date.now() + 86_400_000,
  }),
});
const caseId = ((await caseRes.json()) as { id: string }).id;
const latencies: number[] = [];
let received = 0;
const ctrl = new AbortController();
const streams = await Promise.all(
  Array.from({ length: connections }, async () => {
    const res = await fetch(`${url}/v1/alerts/stream`, { headers: auth, signal: ctrl.signal });
    readEventStream(res.body!, (m) => {
      received++;
      latencies.push(Date.now() - (JSON.parse(m.data) as { alert: { updatedAt: number } }).alert.updatedAt);
    }).catch(() => {
      // aborted at the end
    });
    return res;
  }),
);
const before = await server.core.repos.alerts.lastEventSeq();
const sos = await run({
  url: `${url}/v1/cases/${caseId}/sos`,
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'bench' }),
  connections,
  duration,
});
// Requests still in flight when autocannon stopped commit later: wait until every committed entry reached every stream.
let committed = 0;
let expected = 0;
for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
  committed = (await server.core.repos.alerts.lastEventSeq()) - before;
  expected = committed * streams.length;
  if (received >= expected) {
    await new Promise((r) => setTimeout(r, 500));
    if ((await server.core.repos.alerts.lastEventSeq()) - before === committed && received === expected) break;
  } else await new Promise((r) => setTimeout(r, 100));
}
ctrl.abort();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const reviewDispatch = await benchReviewDispatch(redis.url, arg('review-events', 30));
const result = {
  database: server.db.dialect,
  connections,
  durationS: duration,
  alertsList: {
    requestsPerSec: list.requests.average,
    p50Ms: list.latency.p50,
    p99Ms: list.latency.p99,
    non2xx: list.non2xx,
    errors: list.errors,
  },
  sseFanOut: {
    streams: streams.length,
    sosPostsPerSec: sos.requests.average,
    sosP99Ms: sos.latency.p99,
    sosNon2xx: sos.non2xx,
    journalEntries: committed,
    eventsDelivered: received,
    eventsExpected: expected,
    deliveredPerSec: Math.round(received / duration),
    commitToClientP50Ms: pct(latencies, 50),
    commitToClientP99Ms: pct(latencies, 99),
  },
  /** Match event -> control room -> operator confirms at once -> officer's alert.confirmed webhook. */
  reviewDispatch,
};
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  const l = result.alertsList;
  const f = result.sseFanOut;
  process.stdout.write(
    `alert API benchmark (${result.database}, ${connections} concurrent clients, ${duration}s each)\n` +
      `  GET /v1/alerts?limit=50      ${l.requestsPerSec.toFixed(0)} req/s  p50 ${l.p50Ms} ms  p99 ${l.p99Ms} ms  non-2xx ${l.non2xx}\n` +
      `  POST SOS with ${f.streams} SSE clients  ${f.sosPostsPerSec.toFixed(0)} req/s  p99 ${f.sosP99Ms} ms  non-2xx ${f.sosNon2xx}\n` +
      `  SSE fan-out: ${f.eventsDelivered}/${f.eventsExpected} events delivered (${f.deliveredPerSec}/s), ` +
      `commit->client p50 ${f.commitToClientP50Ms} ms, p99 ${f.commitToClientP99Ms} ms\n` +
      `  match -> confirmed dispatch webhook (operator confirms at once): ${reviewDispatch.confirmedDispatches}/` +
      `${reviewDispatch.events}, p50 ${reviewDispatch.p50Ms} ms, p95 ${reviewDispatch.p95Ms} ms (goal < 1000)\n`,
  );
}
await close();
await server.close();
await redis.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
