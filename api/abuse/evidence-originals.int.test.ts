import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../audit/audit-context.js';
import { fixture } from '../../fixtures/index.js';
import type { EvidenceTable } from '../../storage/database/database.types.js';
import { type ApiFixture, startApiFixture } from '../../test/api-fixture.js';
import { frameJpeg } from '../../test/factories/api.factory.js';
import { alertWithEvidence } from '../../test/factories/evidence.factory.js';

/**
 * Evidence as recorded shows everyone in the frame: each role reads only what it may (the sighting's
 * still: the control room; the clip and unredacted exports: admins), by key and by media ticket alike,
 * and every refusal is audited. The redacted copies and the matched face stay open to every reader.
 */
let api: ApiFixture;
let alertId: string;
const rows: Partial<Record<EvidenceTable['kind'], EvidenceTable>> = {};

/** Who may read each kind (every role here reads evidence; the alert is in the officer's district). */
const MAY: Record<string, Role[]> = {
  snapshot: ['admin', 'operator'],
  frame: ['admin', 'operator'],
  clip: ['admin'],
  snapshot_redacted: ['admin', 'operator', 'officer', 'analyst'],
  clip_redacted: ['admin', 'operator', 'officer', 'analyst'],
  face_crop: ['admin', 'operator', 'officer', 'analyst'],
};
const ROLES: Role[] = ['admin', 'operator', 'officer', 'analyst'];

beforeAll(async () => {
  api = await startApiFixture('abuse-originals');
  const still = await frameJpeg();
  const small = (w: number, h: number) => sharp(still).resize(w, h).jpeg().toBuffer();
  const video = readFileSync(fixture('empty').video);
  const made = await alertWithEvidence(api, [
    ['snapshot', still],
    ['frame', await small(640, 359)],
    ['snapshot_redacted', await small(320, 180)],
    ['face_crop', await small(64, 64)],
    ['clip', video, 'video/mp4', 'mp4'],
    ['clip_redacted', Buffer.concat([video, Buffer.from([0])]), 'video/mp4', 'mp4'],
  ]);
  alertId = made.alertId;
  Object.assign(rows, made.rows);
}, 60_000);
afterAll(() => api?.close());

describe('unredacted evidence', () => {
  it('is served only to the roles that may see it, by key and by media ticket, each refusal audited', async () => {
    const seen: string[] = [];
    for (const role of ROLES) {
      const ticket = (await api.call('POST', '/v1/evidence/media-ticket', { key: api.keys[role] })).body.ticket;
      for (const [kind, may] of Object.entries(MAY)) {
        const url = `/v1/alerts/${alertId}/evidence/${rows[kind as EvidenceTable['kind']]!.id}`;
        const byKey = await api.call('GET', url, { key: api.keys[role] });
        const byTicket = await api.call('GET', `${url}?ticket=${encodeURIComponent(ticket)}`, { key: null });
        seen.push(`${role} ${kind} ${byKey.status} ${byTicket.status}`);
        const want = may.includes(role) ? 200 : 403;
        expect([role, kind, byKey.status, byTicket.status]).toEqual([role, kind, want, want]);
        if (want === 403) expect(byKey.body.detail).toMatch(/unredacted.*redacted copy/);
      }
    }
    expect(seen).toHaveLength(ROLES.length * Object.keys(MAY).length);
    const denied = await api.call('GET', `/v1/audit?action=alert.evidence.denied&targetId=${alertId}&limit=100`);
    const refusals = Object.entries(MAY).reduce((n, [, may]) => n + 2 * (ROLES.length - may.length), 0);
    expect(denied.body.items).toHaveLength(refusals);
    expect(new Set(denied.body.items.map((r: { role: string }) => r.role))).toEqual(
      new Set(['operator', 'officer', 'analyst']),
    );
  });

  it('stays out of every export but the original, which only admins may take', async () => {
    for (const role of ['operator', 'analyst'] as const) {
      const res = await fetch(`${api.url}/v1/alerts/${alertId}/export`, {
        headers: { authorization: `Bearer ${api.keys[role]}` },
      });
      expect(res.status).toBe(200);
      const names = Object.keys(unzipSync(Buffer.from(await res.arrayBuffer())));
      expect(names).toEqual(expect.arrayContaining(['stills/snapshot-redacted.jpg', 'clip/clip-redacted.mp4']));
      for (const original of ['stills/snapshot.jpg', 'stills/frame.jpg', 'clip/clip.mp4'])
        expect(names).not.toContain(original);
      const orig = await api.call('GET', `/v1/alerts/${alertId}/export?variant=original`, { key: api.keys[role] });
      expect(orig.status).toBe(403);
    }
    const res = await fetch(`${api.url}/v1/alerts/${alertId}/export?variant=original`, {
      headers: { authorization: `Bearer ${api.keys.admin}` },
    });
    expect(Object.keys(unzipSync(Buffer.from(await res.arrayBuffer())))).toEqual(
      expect.arrayContaining(['stills/snapshot.jpg', 'stills/frame.jpg', 'clip/clip.mp4']),
    );
  });
});
