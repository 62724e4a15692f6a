import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../fixtures/index.js';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { redisKeys } from '../pipeline/redis-keys.js';
import { verifyArchive } from '../runtime/evidence-archive.js';
import { createLogger } from '../runtime/logger.js';
import { openQueue } from '../runtime/queues.js';
import { SegmentStore } from '../runtime/segment-store.js';
import { Shutdown } from '../runtime/shutdown.js';
import { startApiFixture, type ApiFixture } from './api-fixture.js';
import { caseInput, matchEvent } from './factories/api.factory.js';
import { until } from './until.js';
import { startEvidenceWorker } from '../workers/evidence/index.js';
import type { RunningWorker } from '../workers/worker-context.js';

/**
 * A match alert's event clip end to end: segments in the camera's buffer, the alerts worker asks
 * the evidence worker (real models) for the clip, keeps the clip and its redacted copy; the API
 * serves it with ranges and exports a sealed archive that verifies, and stops verifying when touched.
 */
describe('event clips and sealed exports', () => {
  let api: ApiFixture;
  let redis: Redis;
  let evidenceWorker: RunningWorker;
  let alertId: string;
  const dir = mkdtempSync(join(tmpdir(), 'export-test-'));
  const cameraId = 'clip-door';

  beforeAll(async () => {
    api = await startApiFixture('export', {
      overrides: { 'evidence.preSeconds': 3, 'evidence.postSeconds': 3 },
      alertsWorker: { sweepMs: 500 },
    });
    redis = new Redis(api.redisUrl);
    const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Eve Example' }, key: api.keys.operator });
    // Protecting since an hour ago: the sighting below is from half a minute back.
    const c = await api.call('POST', '/v1/cases', {
      json: caseInput({ perpetratorIds: [p.body.id], windowStart: Date.now() - 3600_000 }),
    });
    const cam = await api.call('POST', '/v1/cameras', {
      json: { id: cameraId, name: 'Doorstep', url: 'rtsp://10.0.0.9/s', caseId: c.body.id },
    });
    expect(cam.status).toBe(201);

    // The camera's buffer: 30 s of the doorstep fixture as the recorder leaves it, ending 5 s ago.
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', fixture('doorstep-720p').video, '-map', '0:v:0', '-c', 'copy']
        .concat(['-f', 'segment', '-segment_time', '2', '-segment_format', 'mpegts'])
        .concat(['-segment_list', join(dir, 'list.csv'), '-segment_list_type', 'csv', join(dir, 'seg%03d.ts')]),
    );
    const T0 = Date.now() - 35_000;
    const segments = new SegmentStore(redis, { prefix: api.prefix, partitions: api.cfg.detect.partitions });
    for (const line of readFileSync(join(dir, 'list.csv'), 'utf8').trim().split('\n')) {
      const [name, start, end] = line.split(',');
      await segments.put(
        { cameraId, startMs: T0 + Number(start) * 1000, endMs: T0 + Number(end) * 1000 },
        readFileSync(join(dir, name!)),
        600,
      );
    }
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-ss',
      '23',
      '-i',
      fixture('doorstep-720p').video,
      '-frames:v',
      '1',
      '-y',
      join(dir, 'f.jpg'),
    ]);
    const frameKey = redisKeys(api.prefix, api.cfg.detect.partitions).frame(cameraId, 230);
    await redis.set(frameKey, readFileSync(join(dir, 'f.jpg')), 'EX', 600);

    const log = createLogger({ log: { level: 'silent', format: 'json' } });
    evidenceWorker = await startEvidenceWorker({
      cfg: api.cfg,
      log,
      redisUrl: api.redisUrl,
      shutdown: new Shutdown(log),
    });
    const truth = fixture('doorstep-720p')
      .truth()
      .appearances.find((a) => a.id === 'subject-a#2')!;
    const at23 = truth.frames.find((f) => f.t === 23)!;
    const alerts = openQueue(QUEUE.alerts, { cfg: api.cfg, connection: redis });
    await alerts.add(
      JOB.match,
      matchEvent({
        cameraId,
        perpetratorId: p.body.id,
        firstSeen: T0 + 22_000,
        lastSeen: T0 + 24_000,
        best: {
          frameKey,
          ts: T0 + 23_000,
          seq: 230,
          personBox: at23.personBox as never,
          faceBox: at23.faceBox as never,
          faceCropKey: null,
        },
      }),
    );
    await alerts.close();
    alertId = await until(
      'the match alert',
      async () => (await api.call('GET', '/v1/alerts')).body.items?.[0]?.id,
      30_000,
    );
    await until(
      'the clip and its redacted copy',
      async () => {
        const kinds = (await api.call('GET', `/v1/alerts/${alertId}`)).body.evidence.map(
          (e: { kind: string }) => e.kind,
        );
        return ['clip', 'clip_redacted', 'clip_track', 'snapshot_redacted'].every((k) => kinds.includes(k));
      },
      200_000,
      1000,
    );
  }, 300_000);

  afterAll(async () => {
    await evidenceWorker?.close();
    redis?.disconnect();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the clip with byte ranges, so a player can seek', async () => {
    // The match is still in review: the control room's (officers cannot read it until it is confirmed).
    const detail = (await api.call('GET', `/v1/alerts/${alertId}`, { key: api.keys.operator })).body;
    const clip = detail.evidence.find((e: { kind: string }) => e.kind === 'clip_redacted');
    // preSeconds (3) before the track began to postSeconds (3) after it was last seen, in whole segments.
    expect(detail.details.clips[cameraId].startMs).toBeLessThanOrEqual(detail.firstSeen - 3000);
    expect(detail.details.clips[cameraId].endMs).toBeGreaterThanOrEqual(detail.lastSeen + 3000);
    expect(detail.details.clips[cameraId].endMs - detail.details.clips[cameraId].startMs).toBeLessThan(
      detail.lastSeen - detail.firstSeen + 6000 + 2 * 5000,
    );
    const whole = await fetch(`${api.url}/v1/alerts/${alertId}/evidence/${clip.id}`, {
      headers: { authorization: `Bearer ${api.keys.operator}` },
    });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await whole.arrayBuffer());
    const part = await fetch(`${api.url}/v1/alerts/${alertId}/evidence/${clip.id}`, {
      headers: { authorization: `Bearer ${api.keys.operator}`, range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
  });

  it('exports a sealed archive that verifies, without unredacted footage (originals for admins), and fails when tampered', async () => {
    const res = await fetch(`${api.url}/v1/alerts/${alertId}/export`, {
      headers: { authorization: `Bearer ${api.keys.operator}` },
    });
    expect(res.status).toBe(200);
    const zip = Buffer.from(await res.arrayBuffer());
    const key = (await api.call('GET', '/v1/evidence/public-key')).body.publicKey as string;
    expect(verifyArchive(zip, key)).toMatchObject({ ok: true, signatureValid: true, trustedKey: true });
    const names = Object.keys(unzipSync(zip));
    for (const f of [
      'clip/clip-redacted.mp4',
      'clip/track.json',
      'stills/snapshot-redacted.jpg',
      'timeline.json',
      'audit.json',
      'models-and-thresholds.json',
    ])
      expect(names).toContain(f);
    expect(names).not.toContain('clip/clip.mp4');
    expect(names).not.toContain('stills/snapshot.jpg');
    const audit = JSON.parse(Buffer.from(unzipSync(zip)['audit.json']!).toString());
    expect(audit.some((a: { action: string }) => a.action === 'alert.read')).toBe(true);

    // Originals to admins only; exports to operators, analysts and admins.
    const asAdmin = await api.call('GET', `/v1/alerts/${alertId}/export?variant=original`, { key: api.keys.admin });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.headers.get('content-type')).toBe('application/zip');
    const original = await fetch(`${api.url}/v1/alerts/${alertId}/export?variant=original`, {
      headers: { authorization: `Bearer ${api.keys.admin}` },
    });
    expect(Object.keys(unzipSync(Buffer.from(await original.arrayBuffer())))).toContain('clip/clip.mp4');
    expect((await api.call('GET', `/v1/alerts/${alertId}/export`, { key: api.keys.officer })).status).toBe(403);
    expect(
      (await api.call('GET', `/v1/alerts/${alertId}/export?variant=original`, { key: api.keys.operator })).status,
    ).toBe(403);
    // The CLI: OK as made; one byte changed in the clip is named.
    const file = join(dir, 'export.zip');
    const keyFile = join(dir, 'key.pem');
    writeFileSync(file, zip);
    writeFileSync(keyFile, key);
    const cli = (f: string) =>
      spawnSync('node', ['bin/watchpost.js', 'evidence', 'verify', f, '--public-key', keyFile], { encoding: 'utf8' });
    expect(cli(file).status).toBe(0);
    const entries = unzipSync(zip);
    const clip = Buffer.from(entries['clip/clip-redacted.mp4']!);
    clip[5000] = (clip[5000] as number) ^ 0xff;
    entries['clip/clip-redacted.mp4'] = clip;
    writeFileSync(join(dir, 'tampered.zip'), zipSync(entries));
    const bad = cli(join(dir, 'tampered.zip'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/changed: clip\/clip-redacted\.mp4/);
  }, 60_000);
});
