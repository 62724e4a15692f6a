import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../../pipeline/config/index.js';
import type { Database } from '../../storage/database/database.js';
import type { AlertTable } from '../../storage/database/database.types.js';
import type { Repositories } from '../../storage/repositories/index.js';
import { replaysRoot } from '../../storage/repositories/replay.repository.js';
import { alertRow } from './alert-row.factory.js';

const DAY = 86_400_000;

/** What a purge over the seeded data must leave, and what it must delete, by id. */
export interface RetentionSeed {
  expiredAlerts: string[];
  keptAlerts: string[];
  expiredReplays: string[];
  keptReplays: string[];
  /** Evidence files (store paths) of each alert. */
  files: Map<string, string[]>;
  expected: {
    evidenceFiles: number;
    clips: number;
    deliveries: number;
    replayFrames: number;
    trackLogEntries: number;
    auditEntries: number;
  };
  cameraId: string;
}

/**
 * A database, evidence store, replay folder and Redis seeded across every rule of the default
 * policy (pipeline/retention.ts), each expired item next to one that must survive: alerts by
 * outcome and age, an unresolved alert of a closed and of an open case, replays and their best
 * frames, a live camera's track log with old and fresh entries.
 */
export async function seedRetention(
  cfg: Config,
  db: Database,
  repos: Pick<Repositories, 'evidence' | 'cameras' | 'audit'>,
  redis: Redis,
  keys: { trackLog(cameraId: string): string },
  now = Date.now(),
): Promise<RetentionSeed> {
  const r = cfg.retention;
  const ago = (days: number) => now - days * DAY;
  // Three entries past retention.auditDays (the chain's oldest), then two within it.
  for (const at of [ago(r.auditDays + 3), ago(r.auditDays + 2), ago(r.auditDays + 1), ago(r.auditDays - 1), now])
    await repos.audit.insert({
      at,
      actorKeyId: null,
      actorName: 'seed',
      role: null,
      action: 'seed',
      targetType: 'seed',
      targetId: null,
      detail: null,
      ip: null,
    });
  const closedOld = await seedCase(db, 'closed', ago(r.closedCaseDays + 1), now);
  const closedNew = await seedCase(db, 'closed', ago(1), now);
  const open = await seedCase(db, 'open', ago(r.closedCaseDays * 3), now);
  const fp = { state: 'false_positive' };
  const alerts: SeededAlert[] = [
    // [id, expired, row, evidence kinds, deliveries]
    ['fp-old', true, { ...fp, rejectedAt: ago(r.falsePositiveDays + 1) }, ['snapshot', 'face_crop'], 1],
    [
      'fa-old',
      true,
      { state: 'resolved', outcome: 'false_alarm', resolvedAt: ago(r.falsePositiveDays + 1) },
      ['clip', 'clip_redacted'],
      2,
    ],
    [
      'res-old',
      true,
      { state: 'resolved', outcome: 'intercepted', resolvedAt: ago(r.resolvedDays + 1) },
      ['snapshot', 'clip'],
      1,
    ],
    ['closed-old', true, { state: 'new', caseId: closedOld, createdAt: ago(r.closedCaseDays * 2) }, ['face_crop'], 0],
    ['replay-old', true, { state: 'new', replayId: 'rp-old', createdAt: ago(r.replayDays + 1) }, [], 0],
    ['fp-new', false, { ...fp, rejectedAt: ago(r.falsePositiveDays - 1) }, ['face_crop'], 1],
    [
      'res-new',
      false,
      { state: 'resolved', outcome: 'arrested', resolvedAt: ago(r.resolvedDays - 1) },
      ['clip', 'clip_track'],
      1,
    ],
    ['fa-new', false, { state: 'resolved', outcome: 'false_alarm', resolvedAt: ago(r.falsePositiveDays - 1) }, [], 0],
    [
      'open-ancient',
      false,
      { state: 'acknowledged', caseId: open, createdAt: ago(r.resolvedDays * 2) },
      ['snapshot'],
      1,
    ],
    ['closed-new', false, { state: 'new', caseId: closedNew, createdAt: ago(r.closedCaseDays * 2) }, ['snapshot'], 0],
    ['pending-ancient', false, { state: 'pending_review', createdAt: ago(r.resolvedDays * 2) }, ['face_crop'], 0],
    ['replay-new', false, { state: 'new', replayId: 'rp-new', createdAt: ago(r.replayDays - 1) }, [], 0],
  ];
  const seed: RetentionSeed = {
    expiredAlerts: [],
    keptAlerts: [],
    expiredReplays: ['rp-old', 'rp-failed-old'],
    keptReplays: ['rp-new', 'rp-running'],
    files: new Map(),
    expected: { evidenceFiles: 0, clips: 0, deliveries: 0, replayFrames: 0, trackLogEntries: 3, auditEntries: 3 },
    cameraId: `cam-ret-${now}`,
  };
  for (const a of alerts) await seedAlert(db, repos, seed, a, now);
  await seedReplays(cfg, db, seed, ago);
  await seedTrackLog(db, redis, keys.trackLog(seed.cameraId), seed.cameraId, now);
  return seed;
}

type SeededAlert = [
  id: string,
  expired: boolean,
  row: Partial<AlertTable>,
  evidenceKinds: string[],
  deliveries: number,
];

/** One alert with its evidence files and rows, deliveries, an action and a journal entry. */
async function seedAlert(
  db: Database,
  repos: Pick<Repositories, 'evidence'>,
  seed: RetentionSeed,
  [id, expired, over, kinds, deliveries]: SeededAlert,
  now: number,
) {
  await db
    .insertInto('alerts')
    .values(alertRow(id, { updatedAt: over.rejectedAt ?? over.resolvedAt ?? now, ...over }, now))
    .execute();
  (expired ? seed.expiredAlerts : seed.keptAlerts).push(id);
  const paths: string[] = [];
  for (const [i, kind] of kinds.entries()) {
    const f = await repos.evidence.put(id, Buffer.from(`${id} ${kind} ${i}`), kind.startsWith('clip') ? 'mp4' : 'jpg');
    paths.push(f.path);
    await db
      .insertInto('evidence')
      .values({
        id: `${id}-e${i}`,
        alertId: id,
        kind,
        sha256: f.sha256,
        bytes: f.bytes,
        mime: 'x/y',
        path: f.path,
        createdAt: now,
      })
      .execute();
  }
  seed.files.set(id, paths);
  for (let i = 0; i < deliveries; i++)
    await db
      .insertInto('webhookDeliveries')
      .values({
        id: `${id}-d${i}`,
        alertId: id,
        officerId: 'o1',
        url: 'https://x.test',
        event: 'alert.created',
        status: 'delivered',
        attempts: 1,
        lastStatus: 200,
        lastError: null,
        createdAt: now,
        deliveredAt: now,
        alarmedAt: null,
      })
      .execute();
  await db
    .insertInto('alertActions')
    .values({ alertId: id, action: 'note', actorKeyId: null, actorName: 'x', note: null, at: now })
    .execute();
  await db.insertInto('alertEvents').values({ alertId: id, type: 'alert.created', payload: '{}', at: now }).execute();
  if (expired) {
    seed.expected.evidenceFiles += kinds.length;
    seed.expected.clips += kinds.filter((k) => k.startsWith('clip')).length;
    seed.expected.deliveries += deliveries;
  }
}

async function seedCase(db: Database, status: string, updatedAt: number, now: number): Promise<string> {
  const id = `case-${status}-${updatedAt}`;
  await db
    .insertInto('cases')
    .values({
      id,
      victimRef: 'V',
      residence: 'R',
      district: 'north',
      riskLevel: 'high',
      windowStart: 0,
      windowEnd: now,
      activeHours: null,
      timezone: 'UTC',
      status,
      sosTokenHash: id,
      createdAt: 0,
      updatedAt,
    })
    .execute();
  return id;
}

async function seedReplays(cfg: Config, db: Database, seed: RetentionSeed, ago: (days: number) => number) {
  const r = cfg.retention;
  const rows: Array<[string, string, number | null, number]> = [
    // [id, status, finishedAt, best frames]
    ['rp-old', 'done', ago(r.replayDays + 1), 2],
    ['rp-failed-old', 'failed', ago(r.replayDays + 5), 0],
    ['rp-new', 'done', ago(r.replayDays - 1), 1],
    ['rp-running', 'running', null, 1],
  ];
  for (const [id, status, finishedAt, frames] of rows) {
    await db
      .insertInto('replays')
      .values({
        id,
        status,
        source: 'f.mp4',
        watchlist: 'x',
        caseId: null,
        uploadPath: null,
        createdAt: ago(r.replayDays * 3),
        createdBy: 'a',
        startedAt: null,
        finishedAt,
        error: null,
        progress: '{}',
        result: null,
      })
      .execute();
    const dir = join(replaysRoot(cfg.dataDir), id);
    await mkdir(dir, { recursive: true });
    for (let t = 0; t < frames; t++) await writeFile(join(dir, `track-${t}.jpg`), Buffer.from('jpeg'));
    if (seed.expiredReplays.includes(id)) seed.expected.replayFrames += frames;
  }
}

/** A registered camera whose log holds three entries older than retention.bystanderSeconds and two fresh ones. */
async function seedTrackLog(db: Database, redis: Redis, key: string, cameraId: string, now: number) {
  await db
    .insertInto('cameras')
    .values({
      id: cameraId,
      name: 'c',
      url: 'rtsp://x.test/s',
      caseId: null,
      fps: null,
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  for (const [i, at] of [now - 7_200_000, now - 7_100_000, now - 7_000_000, now - 1000, now].entries())
    await redis.xadd(key, `${at}-${i}`, 'r', '{}');
}
