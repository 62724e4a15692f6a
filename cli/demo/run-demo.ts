import { rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createApiServer } from '../../api/server.js';
import { hostedAlertsWorker } from '../../workers/alerts/index.js';
import { ensureWebBuilt } from '../../api/web/build.js';
import { fixture, fixtureNames, type FixtureName } from '../../fixtures/index.js';
import { modelCacheDir, prepareAll } from '../../models/prepare/index.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { workerConnection, resolveRedis } from '../../runtime/redis.js';
import { startRtspPublisher, startRtspServer } from '../../runtime/rtsp-server.js';
import { Shutdown } from '../../runtime/shutdown.js';
import { requireFfmpeg } from '../../runtime/system-tools.js';
import { startDetectWorker } from '../../workers/detect/index.js';
import { startEvidenceWorker } from '../../workers/evidence/index.js';
import { startIdentifyWorker } from '../../workers/identify/index.js';
import { startIngestWorker } from '../../workers/ingest/index.js';
import { startReplayWorker } from '../../workers/replay/index.js';
import { startRetentionWorker } from '../../workers/retention/index.js';
import { cliContext } from '../context.js';
import { UsageError } from '../../runtime/errors.js';
import { DemoApiClient } from './demo-api-client.js';
import { say, watchAlerts, watchCameras, watchTracks } from './demo-narrator.js';
import { startWebhookReceiver } from './webhook-receiver.js';

export interface DemoOptions {
  port?: string;
  fixture: string;
  duration?: string;
}

const DISTRICT = 'demo-district';
const CAMERA_ID = 'front-door';

/**
 * `watchpost demo`: the whole system on one machine. A private Redis (unless
 * REDIS_URL is set), SQLite in the data folder, the API with the dashboard and
 * the alerts worker, ingest/detect/identify/evidence/replay workers in this process, a local RTSP
 * server streaming a footage fixture in a loop, and a webhook receiver standing in
 * for the officer's phone. Set-up goes through the public API, like an operator's.
 */
export async function runDemo(cmd: Command, opts: DemoOptions): Promise<void> {
  if (!(fixtureNames as readonly string[]).includes(opts.fixture))
    throw new UsageError(`--fixture must be one of ${fixtureNames.join(', ')}`);
  const durationSec = opts.duration === undefined ? null : Number(opts.duration);
  if (durationSec !== null && !(durationSec > 0))
    throw new UsageError(`--duration must be a positive number of seconds, got '${opts.duration}'`);
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
    throw new UsageError(`--port must be a port number, got '${opts.port}'`);

  const { cfg: baseCfg, log } = cliContext(cmd, 'demo', process.env.LOG_LEVEL ? {} : { 'log.level': 'warn' });
  // Every run starts from a clean slate of its own in <dataDir>/demo (SQLite, photos,
  // evidence): a second run must not trip over the first one's officer and case, and the
  // demo never writes to the database a real deployment configured. Models stay shared.
  const demoDir = resolve(baseCfg.dataDir, 'demo');
  rmSync(demoDir, { recursive: true, force: true });
  const cfg = {
    ...baseCfg,
    dataDir: demoDir,
    databaseUrl: undefined,
    models: { ...baseCfg.models, cacheDir: modelCacheDir(baseCfg) },
    // Everything runs on this machine: footage files and a webhook receiver on plain http://127.0.0.1.
    ingest: { ...baseCfg.ingest, allowFileSources: true },
    alerts: { ...baseCfg.alerts, allowInsecureWebhooks: true },
  };
  requireFfmpeg();
  const shutdown = new Shutdown(log, 30_000);
  const stop = new AbortController();
  shutdown.add('narrator', () => stop.abort());

  const redis = await resolveRedis(cfg, log);
  say(redis.embedded ? `redis: private redis-server on port ${redis.embedded.port}` : 'redis: REDIS_URL');
  say(`models: preparing (the first run converts them from their npm packages, about a minute)`);
  const started = Date.now();
  await prepareAll({ cacheDir: modelCacheDir(cfg), log });
  say(`models: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${modelCacheDir(cfg)})`);

  const webDist = await ensureWebBuilt(log);
  const alertsWorker = hostedAlertsWorker({ cfg, log, redisUrl: redis.url, shutdown });
  const api = await createApiServer({ cfg, log, redisUrl: redis.url, alertsWorker, webDist });
  const server = await api.listen(port ?? cfg.api.port, cfg.api.host).catch(() => api.listen(0, cfg.api.host));
  const admin = await api.createKey('admin', 'demo operator');
  const client = new DemoApiClient(server.url, admin.key);
  say(`dashboard: ${server.url}/  (API key for this demo: ${admin.key})`);

  const receiver = await startWebhookReceiver(({ verified, body }) => {
    const alert = (body.alert ?? {}) as { kind?: string; perpetratorName?: string };
    say(
      `officer's phone: webhook ${String(body.type ?? body.event ?? '')} ${alert.kind ?? ''} ` +
        `${alert.perpetratorName ?? ''} (signature ${verified ? 'valid' : 'INVALID'})`,
    );
  });

  const rtsp = await startRtspServer();
  const footage = fixture(opts.fixture as FixtureName);
  const publisher = startRtspPublisher({ file: footage.video, url: rtsp.publishUrl(CAMERA_ID), loop: true });

  // Shutdown order: intake first (camera), then the pipeline in order, then the API, then infrastructure.
  const workers: { name: string; close(): Promise<void> }[] = [];
  shutdown.add('camera publisher', () => publisher.stop());
  shutdown.add('pipeline workers', async () => {
    for (const w of workers) await w.close();
  });
  shutdown.add('api', async () => {
    await server.close();
    await api.close();
  });
  shutdown.add('rtsp server', () => rtsp.stop());
  shutdown.add('webhook receiver', () => receiver.close());
  if (redis.embedded) shutdown.add('private redis', () => redis.embedded!.stop());
  shutdown.onSignals(0);

  await setUpCase(client, footage.gallery, receiver, rtsp.url(CAMERA_ID));

  const ctx = { cfg, log, redisUrl: redis.url, shutdown };
  workers.push({ name: 'ingest', ...(await startIngestWorker(ctx)) });
  workers.push({ name: 'detect', ...(await startDetectWorker(ctx)) });
  workers.push({ name: 'identify', ...(await startIdentifyWorker(ctx)) });
  // Cuts each alert's event clip from the camera's video buffer (and its redacted copy).
  workers.push({ name: 'evidence', ...(await startEvidenceWorker(ctx)) });
  // The dashboard's Replays screen queues footage for it.
  workers.push({ name: 'replay', ...(await startReplayWorker(ctx)) });
  // Deletes what has outlived the retention policy (GET /v1/retention shows its last run).
  workers.push({ name: 'retention', ...(await startRetentionWorker(ctx)) });
  say(`pipeline running: camera ${CAMERA_ID} streams ${footage.name} in a loop. Ctrl-C stops everything.`);

  const trackRedis = workerConnection(redis.url);
  shutdown.add('narrator redis', () => trackRedis.quit());
  watchCameras(client, stop.signal);
  watchTracks(trackRedis, redisKeys(cfg.redisPrefix, cfg.detect.partitions), CAMERA_ID, stop.signal);
  watchAlerts(client, admin.key, resolve(cfg.dataDir, 'demo-evidence'), stop.signal);

  if (durationSec !== null) {
    setTimeout(() => {
      say(`--duration ${durationSec} s reached: stopping`);
      void shutdown.close().then(() => process.exit(0));
    }, durationSec * 1000);
  }
}

/** An officer on duty, the enrolled perpetrator(s) of the fixture's gallery, a case and its camera. */
async function setUpCase(
  api: DemoApiClient,
  galleryDir: string,
  receiver: { url: string; setSecret(s: string): void },
  cameraUrl: string,
): Promise<void> {
  const officer = await api.request<{ id: string; webhookSecret: string }>('POST', '/v1/officers', {
    name: 'Officer on duty',
    badge: 'D-101',
    district: DISTRICT,
    webhookUrl: receiver.url,
  });
  receiver.setSecret(officer.webhookSecret);
  await api.request('POST', '/v1/shifts', {
    officerId: officer.id,
    startsAt: Date.now() - 60_000,
    endsAt: Date.now() + 12 * 3600_000,
  });
  say(`officer on duty: D-101 in ${DISTRICT}, alerts by signed webhook`);

  const perpetratorIds: string[] = [];
  for (const name of (await readdir(galleryDir)).sort()) {
    const p = await api.request<{ id: string }>('POST', '/v1/perpetrators', { name });
    for (const photo of (await readdir(join(galleryDir, name))).sort()) {
      await api.request(
        'POST',
        `/v1/perpetrators/${p.id}/photos`,
        await readFile(join(galleryDir, name, photo)),
        'application/octet-stream',
      );
    }
    perpetratorIds.push(p.id);
    say(`perpetrator enrolled: ${name}`);
  }
  const kase = await api.request<{ id: string }>('POST', '/v1/cases', {
    victimRef: 'DEMO-0001',
    residence: 'Demo residence, front door',
    district: DISTRICT,
    riskLevel: 'very_high',
    perpetratorIds,
    windowEnd: Date.now() + 14 * 24 * 3600_000 - 60_000,
  });
  await api.request('POST', '/v1/cameras', { id: CAMERA_ID, name: 'Front door', url: cameraUrl, caseId: kase.id });
  say(`case DEMO-0001 open for 14 days; camera ${CAMERA_ID} linked`);
}
