import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRepository } from '../repositories/alert.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { CaseRepository } from '../repositories/case.repository.js';
import { OfficerRepository } from '../repositories/officer.repository.js';
import { PerpetratorRepository } from '../repositories/perpetrator.repository.js';
import { SettingsRepository } from '../repositories/settings.repository.js';
import { alertRow as makeAlertRow } from '../../test/factories/alert-row.factory.js';
import { createTestPostgres, type TestPostgres } from '../../test/postgres.js';
import { openDatabase, type OpenDatabase } from './database.js';

const pgProbe = await createTestPostgres();
const pgMissing = 'unavailable' in pgProbe ? pgProbe.unavailable : null;
if (pgMissing) console.warn(pgMissing);
else await (pgProbe as TestPostgres).drop();

const now = 1_800_000_000_000;
const alertRow = (id: string, over: Record<string, unknown> = {}) => makeAlertRow(id, over, now);

describe.each([
  ['sqlite', null],
  ['postgres', pgMissing],
] as const)('storage on %s', (engine, skipReason) => {
  let open: OpenDatabase;
  let cleanup: () => Promise<void>;
  let reopen: { dataDir: string; databaseUrl: string | undefined };

  beforeAll(async () => {
    if (skipReason) return;
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'wp-store-'));
      reopen = { dataDir: dir, databaseUrl: undefined };
      open = await openDatabase(reopen);
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const pg = (await createTestPostgres()) as TestPostgres;
      reopen = { dataDir: '/nonexistent', databaseUrl: pg.url };
      open = await openDatabase(reopen);
      cleanup = () => pg.drop();
    }
  });
  afterAll(async () => {
    if (skipReason) return;
    await open.close();
    await cleanup();
  });

  it.skipIf(skipReason)('migrates idempotently (a second open finds the schema current)', async () => {
    expect(open.dialect).toBe(engine);
    const again = await openDatabase(reopen);
    expect(await again.db.selectFrom('alerts').select('id').execute()).toEqual([]);
    await again.close();
  });

  it.skipIf(skipReason)('round-trips numbers, nulls and JSON text identically', async () => {
    const perps = new PerpetratorRepository(open.db);
    await perps.insert({ id: 'p1', name: 'P One', notes: null, watchEverywhere: 1, createdAt: now, updatedAt: now });
    const p = await perps.get('p1');
    expect(p).toEqual({ id: 'p1', name: 'P One', notes: null, watchEverywhere: 1, createdAt: now, updatedAt: now });
    expect(typeof p!.createdAt).toBe('number');
  });

  it.skipIf(skipReason)('pages with a keyset cursor, newest first, without gaps or repeats', async () => {
    const perps = new PerpetratorRepository(open.db);
    for (let i = 0; i < 7; i++)
      await perps.insert({
        id: `pg${i}`,
        name: `Group ${i}`,
        notes: null,
        watchEverywhere: 0,
        createdAt: now + (i % 3),
        updatedAt: now,
      });
    const seen: string[] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const rows = await perps.list({ limit: 3, after, q: 'gROUP' });
      seen.push(...rows.map((r) => r.id));
      if (rows.length < 3) break;
      after = { createdAt: rows[2]!.createdAt, id: rows[2]!.id };
    }
    expect(seen.length).toBe(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe('pg5');
  });

  it.skipIf(skipReason)(
    'refuses a second alert for the same event id (unique source) and rolls the transaction back',
    async () => {
      const alerts = new AlertRepository(open.db);
      await alerts.transaction(async (trx) => {
        await trx.insert(alertRow('a1'));
        await trx.insertSource('evt-1', 'a1', now);
      });
      await expect(
        alerts.transaction(async (trx) => {
          await trx.insert(alertRow('a2'));
          await trx.insertSource('evt-1', 'a2', now);
        }),
      ).rejects.toThrow();
      expect(await alerts.get('a2')).toBeUndefined();
      expect(await alerts.alertIdOfEvent('evt-1')).toBe('a1');
    },
  );

  it.skipIf(skipReason)('finds the open alert for dedup and changes state only from allowed states', async () => {
    const alerts = new AlertRepository(open.db);
    const open1 = await alerts.findOpen({ kind: 'match', perpetratorId: 'p1', cameraId: 'cam1', since: now - 1 });
    expect(open1?.id).toBe('a1');
    expect(
      await alerts.findOpen({ kind: 'match', perpetratorId: 'p1', cameraId: 'cam1', since: now + 1 }),
    ).toBeUndefined();
    expect(await alerts.transition('a1', ['new'], { state: 'acknowledged' })).toBe(true);
    expect(await alerts.transition('a1', ['new'], { state: 'acknowledged' })).toBe(false);
    expect(await alerts.transition('a1', ['new', 'acknowledged'], { state: 'resolved' })).toBe(true);
    expect(await alerts.findOpen({ kind: 'match', perpetratorId: 'p1', cameraId: 'cam1', since: 0 })).toBeUndefined();
  });

  it.skipIf(skipReason)('numbers journal entries strictly increasing and reads them after a sequence', async () => {
    const alerts = new AlertRepository(open.db);
    const seqs = [];
    for (let i = 0; i < 5; i++)
      seqs.push(await alerts.appendEvent({ alertId: 'a1', type: 'alert.updated', payload: `{"i":${i}}`, at: now }));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(5);
    const after = await alerts.eventsAfter(seqs[1]!, 10);
    expect(after.map((r) => r.payload)).toEqual(['{"i":2}', '{"i":3}', '{"i":4}']);
    expect(await alerts.lastEventSeq()).toBe(seqs[4]);
  });

  it.skipIf(skipReason)('deleting a perpetrator purges photos, embeddings and case links', async () => {
    const perps = new PerpetratorRepository(open.db);
    const cases = new CaseRepository(open.db);
    await perps.insert({ id: 'p2', name: 'P Two', notes: null, watchEverywhere: 0, createdAt: now, updatedAt: now });
    await perps.insertPhotoWithEmbedding(
      {
        id: 'ph1',
        perpetratorId: 'p2',
        sha256: 'x',
        mime: 'image/jpeg',
        width: 1,
        height: 1,
        faceBox: '[0,0,1,1]',
        path: 'p2/x.jpg',
        createdAt: now,
        quality: null,
        gateRefusal: null,
      },
      {
        id: 'e1',
        perpetratorId: 'p2',
        photoId: 'ph1',
        embedder: 'faceapi-128',
        descriptor: '[0.1,0.2]',
        createdAt: now,
      },
    );
    const caseRow = {
      id: 'c1',
      victimRef: 'V',
      residence: 'R',
      district: 'north',
      riskLevel: 'high',
      windowStart: now,
      windowEnd: now + 1000,
      activeHours: null,
      timezone: 'UTC',
      status: 'open',
      sosTokenHash: 'h',
      createdAt: now,
      updatedAt: now,
    };
    await cases.insert(caseRow, ['p2']);
    expect((await perps.embeddings(['p2'], 'faceapi-128')).length).toBe(1);
    await perps.delete('p2');
    expect(await perps.photos('p2')).toEqual([]);
    expect(await perps.embeddings(['p2'], 'faceapi-128')).toEqual([]);
    expect((await cases.links(['c1'])).get('c1')).toBeUndefined();
  });

  it.skipIf(skipReason)('answers who is on duty in a district at a time', async () => {
    const officers = new OfficerRepository(open.db);
    for (const [id, district, sup] of [
      ['o1', 'north', 0],
      ['o2', 'north', 1],
      ['o3', 'south', 1],
    ] as const)
      await officers.insert({
        id,
        name: id,
        badge: `b-${id}`,
        district,
        supervisor: sup,
        webhookUrl: null,
        webhookSecret: null,
        createdAt: now,
        kind: 'officer',
        caseId: null,
      });
    await officers.insertShift({
      id: 's1',
      officerId: 'o1',
      district: 'north',
      startsAt: now - 10,
      endsAt: now + 10,
      createdAt: now,
    });
    await officers.insertShift({
      id: 's2',
      officerId: 'o2',
      district: 'north',
      startsAt: now + 10,
      endsAt: now + 20,
      createdAt: now,
    });
    await officers.insertShift({
      id: 's3',
      officerId: 'o3',
      district: 'south',
      startsAt: now - 10,
      endsAt: now + 10,
      createdAt: now,
    });
    expect((await officers.onDuty('north', now)).map((o) => o.id)).toEqual(['o1']);
    expect((await officers.onDuty('north', now + 10)).map((o) => o.id)).toEqual(['o2']);
    expect((await officers.supervisorsOnDuty(now)).map((o) => o.id)).toEqual(['o3']);
  });

  it.skipIf(skipReason)(
    'keeps the first value of a setting across concurrent initialisers, and an ordered audit log',
    async () => {
      const settings = new SettingsRepository(open.db);
      const [a, b] = await Promise.all([settings.getOrInit('k', 'first'), settings.getOrInit('k', 'second')]);
      expect(a).toBe(b);
      const audit = new AuditRepository(open.db);
      for (const action of ['x.one', 'x.two', 'x.three'])
        await audit.insert({
          at: now,
          actorKeyId: null,
          actorName: 't',
          role: null,
          action,
          targetType: 't',
          targetId: null,
          detail: null,
          ip: null,
        });
      const rows = await audit.list({ limit: 2, targetType: 't' });
      expect(rows.map((r) => r.action)).toEqual(['x.three', 'x.two']);
      expect((await audit.list({ limit: 5, targetType: 't', before: rows[1]!.id })).map((r) => r.action)).toEqual([
        'x.one',
      ]);
    },
  );
});
