import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import type { EvidenceTable } from '../../storage/database/database.types.js';
import { type ApiFixture, startApiFixture } from '../../test/api-fixture.js';
import { frameJpeg } from '../../test/factories/api.factory.js';
import { alertWithEvidence } from '../../test/factories/evidence.factory.js';

/**
 * Evidence changed on disk, as an intruder with file access would: every way it is served (stills,
 * a clip with and without a byte range, the clip track, the sealed export, an enrolment photo) refuses
 * it, says so without a server path, counts it, audits it and flags the alert.
 */
let api: ApiFixture;
let alertId: string;
const rows: Record<string, EvidenceTable> = {};

/** One byte of a stored file flipped, in place. */
const tamper = (path: string, at = 100) => {
  const full = join(api.server.core.repos.evidence.root, path);
  const bytes = readFileSync(full);
  bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ 0x01;
  writeFileSync(full, bytes);
};

const tamperedCount = async (kind: string) => {
  const text = (await api.call('GET', '/metrics', { key: null })).body as string;
  return Number(new RegExp(`^watchpost_evidence_tampered_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
};

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(api.url + path, { headers: { authorization: `Bearer ${api.keys.admin}`, ...headers } });

/** A refusal as a client sees it: a problem+json naming the check, no path of this machine, no bytes. */
async function expectRefused(res: Response) {
  expect(res.status).toBe(500);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(res.headers.get('content-range')).toBeNull();
  const text = await res.text();
  const body = JSON.parse(text);
  expect(body).toMatchObject({ title: 'Integrity Check Failed', alarm: 'evidence_tampered' });
  expect(text).not.toContain(api.cfg.dataDir);
  expect(text).not.toMatch(/\/(tmp|home|var|root)\//);
  expect(text).not.toMatch(/[0-9a-f]{64}\./);
}

beforeAll(async () => {
  api = await startApiFixture('abuse-tamper');
  const still = await frameJpeg();
  const track = Buffer.from(JSON.stringify({ width: 1280, height: 720, fps: 25, frames: [] }));
  const made = await alertWithEvidence(api, [
    ['snapshot', still],
    ['snapshot_redacted', await sharp(still).resize(320, 180).jpeg().toBuffer()],
    ['face_crop', await sharp(still).resize(64, 64).jpeg().toBuffer()],
    ['clip', readFileSync(fixture('doorstep-720p').video), 'video/mp4', 'mp4'],
    ['clip_redacted', readFileSync(fixture('empty').video), 'video/mp4', 'mp4'],
    ['clip_track', track, 'application/json', 'json'],
  ]);
  alertId = made.alertId;
  Object.assign(rows, made.rows);
}, 60_000);
afterAll(() => api?.close());

describe('evidence changed on disk', () => {
  it('is served while intact, with its hash and byte ranges', async () => {
    const snap = await get(`/v1/alerts/${alertId}/evidence/${rows.snapshot!.id}`);
    expect(snap.status).toBe(200);
    expect(
      createHash('sha256')
        .update(Buffer.from(await snap.arrayBuffer()))
        .digest('hex'),
    ).toBe(rows.snapshot!.sha256);
    const part = await get(`/v1/alerts/${alertId}/evidence/${rows.clip!.id}`, { range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    expect((await get(`/v1/alerts/${alertId}/export?variant=original`)).status).toBe(200);
  });

  it('is refused on every route that serves it, counted, audited and flagged on the alert', async () => {
    const before = { snapshot: await tamperedCount('snapshot'), clip: await tamperedCount('clip') };
    const tamperedAt = Date.now();
    for (const kind of ['snapshot', 'clip', 'clip_track', 'face_crop', 'snapshot_redacted']) tamper(rows[kind]!.path);

    await expectRefused(await get(`/v1/alerts/${alertId}/evidence/${rows.snapshot!.id}`));
    await expectRefused(await get(`/v1/alerts/${alertId}/evidence/${rows.face_crop!.id}`));
    await expectRefused(await get(`/v1/alerts/${alertId}/evidence/${rows.snapshot_redacted!.id}`));
    // A player seeking the clip gets no slice of it: the whole file is checked before any range is cut.
    await expectRefused(await get(`/v1/alerts/${alertId}/evidence/${rows.clip!.id}`, { range: 'bytes=0-99' }));
    await expectRefused(await get(`/v1/alerts/${alertId}/evidence/${rows.clip!.id}`));
    await expectRefused(await get(`/v1/alerts/${alertId}/clip/track?format=json`));
    // A sealed export is never made over a changed file, in either variant.
    await expectRefused(await get(`/v1/alerts/${alertId}/export`));
    await expectRefused(await get(`/v1/alerts/${alertId}/export?variant=original`));
    // The copy nobody touched is still served.
    expect((await get(`/v1/alerts/${alertId}/evidence/${rows.clip_redacted!.id}`)).status).toBe(200);

    // The snapshot twice: read, then by the original export (which stops at its first changed file).
    expect(await tamperedCount('snapshot')).toBe(before.snapshot + 2);
    expect(await tamperedCount('clip')).toBe(before.clip + 2);

    const audit = await api.call('GET', `/v1/audit?action=alert.evidence.tampered&targetId=${alertId}&limit=50`);
    const refused = audit.body.items.map((r: { detail: Record<string, unknown> }) => r.detail);
    expect(refused.filter((d: { evidenceId: string }) => d.evidenceId === rows.clip!.id)).toHaveLength(2);
    expect(refused.every((d: { outcome: string }) => d.outcome === 'refused')).toBe(true);
    expect(audit.body.items[0]).toMatchObject({ role: 'admin', targetType: 'alert' });
    // A refused read is not recorded as a read.
    const reads = await api.call('GET', `/v1/audit?action=alert.evidence.read&targetId=${alertId}&limit=50`);
    const readIds = reads.body.items
      .filter((r: { at: number }) => r.at >= tamperedAt)
      .map((r: { detail: { evidenceId: string } }) => r.detail.evidenceId);
    expect(readIds).toContain(rows.clip_redacted!.id);
    expect(readIds).not.toContain(rows.face_crop!.id);

    const detail = (await api.call('GET', `/v1/alerts/${alertId}`)).body;
    expect(detail.flags).toContain('evidence_tampered');
    const noted = detail.actions.filter((a: { action: string }) => a.action === 'evidence_tampered');
    // Once per file, however often it was asked for.
    expect(noted).toHaveLength(5);
    expect(noted.map((a: { note: string }) => a.note).join('\n')).toContain(rows.clip!.id);
  });

  it('refuses an enrolment photo changed on disk', async () => {
    const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Photo Tamper' } });
    const photos = api.server.core.repos.photos;
    const f = await photos.put(
      p.body.id,
      await sharp(await frameJpeg())
        .resize(200, 200)
        .jpeg()
        .toBuffer(),
      'jpg',
    );
    const photoId = `pho_tamper_${Date.now()}`;
    await api.server.core.repos.perpetrators.insertPhotoWithEmbedding(
      {
        ...{ id: photoId, perpetratorId: p.body.id, sha256: f.sha256, mime: 'image/jpeg', width: 200, height: 200 },
        ...{ faceBox: '[50,50,150,150]', path: f.path, createdAt: Date.now(), quality: null, gateRefusal: null },
      },
      { id: `emb_${photoId}`, perpetratorId: p.body.id, photoId, embedder: 'test', descriptor: '[]', createdAt: 0 },
    );
    const url = `/v1/perpetrators/${p.body.id}/photos/${photoId}`;
    const before = await tamperedCount('photo');
    const full = join(photos.root, f.path);
    writeFileSync(full, Buffer.concat([readFileSync(full), Buffer.from([0])]));
    await expectRefused(await get(url));
    expect(await tamperedCount('photo')).toBe(before + 1);
    const audit = await api.call('GET', `/v1/audit?action=perpetrator.photo.tampered&targetId=${p.body.id}`);
    expect(audit.body.items).toHaveLength(1);
  });
});
