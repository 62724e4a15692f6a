import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { verifyArchive } from '../../runtime/evidence-archive.js';
import { EVIDENCE_KEYS_ENV, parseKeyring } from '../../runtime/file-cipher.js';
import { FileStore } from '../../storage/repositories/file-store.repository.js';
import type { EvidenceTable } from '../../storage/database/database.types.js';
import { type ApiFixture, startApiFixture } from '../../test/api-fixture.js';
import { frameJpeg } from '../../test/factories/api.factory.js';
import { alertWithEvidence } from '../../test/factories/evidence.factory.js';

/**
 * The API over an evidence store encrypted at rest: what it serves (whole, in ranges, in a sealed
 * export) is the plaintext with its plaintext hash; the disk holds none of it; a changed byte of
 * ciphertext is refused as tampering, and a file sealed with a key the server lacks says which.
 */
let api: ApiFixture;
let alertId: string;
const clip = readFileSync(fixture('doorstep-720p').video);
let still: Buffer;
const rows: Record<string, EvidenceTable> = {};
const savedEnv = process.env[EVIDENCE_KEYS_ENV];
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(api.url + path, { headers: { authorization: `Bearer ${api.keys.admin}`, ...headers } });

beforeAll(async () => {
  // Two keys, as after a rotation: the first seals new files.
  process.env[EVIDENCE_KEYS_ENV] =
    `k2026:${randomBytes(32).toString('base64')},k2025:${randomBytes(32).toString('base64')}`;
  api = await startApiFixture('abuse-encrypted');
  still = await frameJpeg();
  const made = await alertWithEvidence(api, [
    ['snapshot', still],
    ['clip', clip, 'video/mp4', 'mp4'],
  ]);
  alertId = made.alertId;
  Object.assign(rows, made.rows);
}, 60_000);
afterAll(async () => {
  await api?.close();
  if (savedEnv === undefined) delete process.env[EVIDENCE_KEYS_ENV];
  else process.env[EVIDENCE_KEYS_ENV] = savedEnv;
});

describe('evidence encrypted at rest', () => {
  it('holds no plaintext on disk, and serves the plaintext with its hash, in ranges and in exports', async () => {
    const root = api.server.core.repos.evidence.root;
    for (const [r, plain] of [
      [rows.snapshot!, still],
      [rows.clip!, clip],
    ] as const) {
      const disk = readFileSync(join(root, r.path));
      expect(disk.subarray(0, 4).toString()).toBe('WPEV');
      expect(disk.includes(plain.subarray(0, 64))).toBe(false);
      expect(disk.includes(plain.subarray(plain.length >> 1, (plain.length >> 1) + 64))).toBe(false);
      expect(r.sha256).toBe(sha(plain));
    }
    const whole = await get(`/v1/alerts/${alertId}/evidence/${rows.clip!.id}`);
    expect(whole.headers.get('x-content-sha256')).toBe(sha(clip));
    expect(Buffer.from(await whole.arrayBuffer()).equals(clip)).toBe(true);
    const part = await get(`/v1/alerts/${alertId}/evidence/${rows.clip!.id}`, { range: 'bytes=100000-100999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100000-100999/${clip.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(clip.subarray(100000, 101000))).toBe(true);

    const zip = Buffer.from(await (await get(`/v1/alerts/${alertId}/export?variant=original`)).arrayBuffer());
    const key = (await api.call('GET', '/v1/evidence/public-key')).body.publicKey as string;
    const verified = verifyArchive(zip, key);
    expect(verified).toMatchObject({ ok: true, signatureValid: true });
  });

  it('refuses a changed byte of ciphertext as tampering', async () => {
    const full = join(api.server.core.repos.evidence.root, rows.snapshot!.path);
    const disk = readFileSync(full);
    disk[disk.length - 10] = (disk[disk.length - 10] as number) ^ 0x80;
    writeFileSync(full, disk);
    const res = await get(`/v1/alerts/${alertId}/evidence/${rows.snapshot!.id}`);
    expect(res.status).toBe(500);
    expect((await res.json()).title).toBe('Integrity Check Failed');
    const audit = await api.call('GET', `/v1/audit?action=alert.evidence.tampered&targetId=${alertId}`);
    expect(audit.body.items).toHaveLength(1);
  });

  it('names the key a file was sealed with when the server does not hold it, and no path', async () => {
    const gone = new FileStore(
      api.server.core.repos.evidence.root,
      parseKeyring(`k2019:${randomBytes(32).toString('base64')}`),
    );
    const f = await gone.put(alertId, Buffer.from('{"frames":[]}'), 'json');
    const row: EvidenceTable = {
      ...rows.snapshot!,
      id: 'evd_oldkey',
      kind: 'face_crop',
      path: f.path,
      sha256: f.sha256,
    };
    await api.server.core.repos.alerts.insertEvidence([row]);
    const res = await api.call('GET', `/v1/alerts/${alertId}/evidence/${row.id}`);
    expect(res.status).toBe(500);
    expect(res.body.title).toBe('Evidence Key Missing');
    expect(res.body.detail).toMatch(/key 'k2019', which WATCHPOST_EVIDENCE_KEYS does not hold/);
    expect(JSON.stringify(res.body)).not.toContain(api.cfg.dataDir);
  });
});
