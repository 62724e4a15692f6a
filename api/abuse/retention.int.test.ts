import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../../test/api-fixture.js';
import { alertRow } from '../../test/factories/alert-row.factory.js';

/** The retention policy through the API: its state for admins, and a perpetrator's delete following it. */
let api: ApiFixture;
beforeAll(async () => {
  api = await startApiFixture('abuse-retention');
});
afterAll(() => api?.close());

/** An alert naming the perpetrator, with one evidence file, stored as the alert services store them. */
async function alertWithEvidence(id: string, perpetratorId: string, over: Parameters<typeof alertRow>[1]) {
  const { repos } = api.server.core;
  await api.server.db.db
    .insertInto('alerts')
    .values(alertRow(id, { perpetratorId, ...over }))
    .execute();
  const f = await repos.evidence.put(id, Buffer.from(`face of ${id}`), 'jpg');
  await repos.alerts.insertEvidence([
    {
      id: `${id}-e`,
      alertId: id,
      kind: 'face_crop',
      sha256: f.sha256,
      bytes: f.bytes,
      mime: 'image/jpeg',
      path: f.path,
      createdAt: Date.now(),
    },
  ]);
  return join(repos.evidence.root, f.path);
}

describe('GET /v1/retention', () => {
  it('shows admins the policy with this deployment’s figures, and the last run once there is one', async () => {
    const before = await api.call('GET', '/v1/retention');
    expect(before.status).toBe(200);
    expect(before.body.lastRun).toBeNull();
    // No retention worker runs here: nothing has scheduled the purge.
    expect(before.body.nextRunAt).toBeNull();
    const keys = before.body.policy.map((p: { configKey: string | null }) => p.configKey);
    for (const k of [
      'retention.falsePositiveDays',
      'retention.resolvedDays',
      'retention.replayDays',
      'retention.auditDays',
    ])
      expect(keys).toContain(k);
    expect(
      before.body.policy.find((p: { configKey: string }) => p.configKey === 'retention.falsePositiveDays').lifetime,
    ).toBe(`${api.cfg.retention.falsePositiveDays} days after rejection`);

    await api.server.core.alerting.retention.purge('manual');
    const after = await api.call('GET', '/v1/retention');
    expect(after.body.lastRun).toMatchObject({ error: null, counts: { alerts: 0 } });
    expect(after.body.lastRun.finishedAt).toBeGreaterThanOrEqual(after.body.lastRun.startedAt);
  });

  it('is for admins only, and so is asking for a run', async () => {
    for (const role of ['operator', 'officer', 'analyst'] as const) {
      expect((await api.call('GET', '/v1/retention', { key: api.keys[role] })).status, role).toBe(403);
      expect((await api.call('POST', '/v1/retention/run', { key: api.keys[role] })).status, role).toBe(403);
    }
    expect((await api.call('GET', '/v1/retention', { key: null })).status).toBe(401);
    const queued = await api.call('POST', '/v1/retention/run');
    expect(queued.status).toBe(202);
    const audit = await api.call('GET', '/v1/audit?action=retention.run');
    expect(audit.body.items[0]).toMatchObject({ targetId: queued.body.jobId, role: 'admin' });
  });
});

describe('deleting a perpetrator', () => {
  it('deletes their false positives with the evidence at once, and keeps true and open sightings', async () => {
    const p = (await api.call('POST', '/v1/perpetrators', { json: { name: 'Retention Subject' } })).body;
    const falsePositive = await alertWithEvidence('ret-fp', p.id, { state: 'false_positive', rejectedAt: Date.now() });
    const falseAlarm = await alertWithEvidence('ret-fa', p.id, { state: 'resolved', outcome: 'false_alarm' });
    const arrested = await alertWithEvidence('ret-true', p.id, { state: 'resolved', outcome: 'arrested' });
    const open = await alertWithEvidence('ret-open', p.id, { state: 'acknowledged' });
    const someoneElse = await alertWithEvidence('ret-other', 'p-other', { state: 'false_positive' });

    expect((await api.call('DELETE', `/v1/perpetrators/${p.id}`)).status).toBe(204);

    for (const f of [falsePositive, falseAlarm]) expect(existsSync(f), f).toBe(false);
    for (const f of [arrested, open, someoneElse]) expect(existsSync(f), f).toBe(true);
    expect((await api.call('GET', '/v1/alerts/ret-fp')).status).toBe(404);
    expect((await api.call('GET', '/v1/alerts/ret-fa')).status).toBe(404);
    const kept = await api.call('GET', '/v1/alerts/ret-true');
    expect(kept.status).toBe(200);
    expect(kept.body.evidence).toHaveLength(1);
    const audit = await api.call('GET', `/v1/audit?action=perpetrator.delete&targetId=${p.id}`);
    expect(audit.body.items[0].detail).toMatchObject({ falsePositiveAlerts: 2, evidenceFiles: 2 });
  });
});
