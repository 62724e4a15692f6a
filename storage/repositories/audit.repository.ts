import type SQLite from 'better-sqlite3';
import type { Transaction } from 'kysely';
import { type ChainBreak, type ChainEnds, ChainVerifier, entryHash } from '../../pipeline/audit-chain.js';
import { type Database, sqliteFileOf } from '../database/database.js';
import type { AuditTable, DB } from '../database/database.types.js';

export type AuditEntry = Omit<AuditTable, 'id' | 'prevHash' | 'hash'>;

export type AuditFilter = {
  limit: number;
  before?: number;
  action?: string;
  targetType?: string;
  targetId?: string;
  actorKeyId?: string;
  /** Entries at or after / before these times (ms). */
  from?: number;
  to?: number;
};

/** What `audit verify` finds: the whole stored chain holds, or where it first breaks. */
export type ChainCheck =
  | { ok: true; checked: number; ends: ChainEnds }
  | { ok: false; checked: number; ends: ChainEnds; broken: ChainBreak };

/** One purge step: how many of the oldest entries went; `refused` when the part to purge is itself broken. */
export interface AuditPurge {
  deleted: number;
  refused: ChainBreak | null;
}

const VERIFY_BATCH = 1000;
const NOT_MIGRATED = 'audit chain head missing: the database was not migrated (0008_audit_chain)';

/**
 * The audit trail, hash-chained (pipeline/audit-chain.ts). Appends from any number of processes
 * form one chain: each takes the chain's head row with an UPDATE first (a row lock on PostgreSQL,
 * the single write lock on SQLite), so they are serialised by the database.
 */
export class AuditRepository {
  constructor(private readonly db: Database) {}

  async insert(entry: AuditEntry): Promise<void> {
    const file = sqliteFileOf(this.db);
    // Idle SQLite connection: the whole append at once, in one synchronous transaction. Otherwise
    // (PostgreSQL, or this connection inside another transaction) queued like any other query.
    if (file && !file.inTransaction) return appendNow(file, entry);
    await this.db.transaction().execute(async (tx) => {
      const head = await lockChain(tx);
      const { id } = await tx
        .insertInto('audit')
        .values({ ...entry, prevHash: head.headHash, hash: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const hash = entryHash({ ...entry, id: Number(id) }, head.headHash);
      await tx.updateTable('audit').set({ hash }).where('id', '=', id).execute();
      await tx.updateTable('auditChain').set({ headId: id, headHash: hash }).where('id', '=', 1).execute();
    });
  }

  /** Newest first; `before` is the id to continue from. */
  list(f: AuditFilter) {
    let q = this.db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(f.limit);
    if (f.before !== undefined) q = q.where('id', '<', f.before);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.targetType) q = q.where('targetType', '=', f.targetType);
    if (f.targetId) q = q.where('targetId', '=', f.targetId);
    if (f.actorKeyId) q = q.where('actorKeyId', '=', f.actorKeyId);
    if (f.from !== undefined) q = q.where('at', '>=', f.from);
    if (f.to !== undefined) q = q.where('at', '<', f.to);
    return q.execute();
  }

  async chainEnds(): Promise<ChainEnds> {
    return toEnds(await this.db.selectFrom('auditChain').selectAll().where('id', '=', 1).executeTakeFirstOrThrow());
  }

  /**
   * Walks every stored entry in id order from the anchor (or genesis) to the head and reports the
   * first broken link: a changed field, a deleted, inserted or moved entry, missing newest entries.
   */
  async verify(): Promise<ChainCheck> {
    const ends = await this.chainEnds();
    const v = new ChainVerifier(ends);
    let after: number | null = null;
    for (;;) {
      let q = this.db.selectFrom('audit').selectAll().orderBy('id').limit(VERIFY_BATCH);
      if (after !== null) q = q.where('id', '>', after);
      const rows = await q.execute();
      for (const r of rows) {
        const broken = v.next({ ...r, id: Number(r.id) });
        if (broken) return { ok: false, checked: v.checked, ends, broken };
      }
      if (rows.length < VERIFY_BATCH) break;
      after = rows[rows.length - 1]!.id;
    }
    const broken = v.end();
    return broken ? { ok: false, checked: v.checked, ends, broken } : { ok: true, checked: v.checked, ends };
  }

  /**
   * Retention: deletes up to `batch` of the oldest entries written before `cutoffMs` (call again while
   * it deletes a whole batch) and moves the chain's anchor to the last one deleted, so the chain still
   * verifies from there. The entries to delete are checked first: a broken part is not purged (that
   * would erase the evidence of tampering), `refused` says where it breaks.
   */
  purgeBefore(cutoffMs: number, batch: number): Promise<AuditPurge> {
    return this.db.transaction().execute(async (tx) => {
      const ends = toEnds(await lockChain(tx));
      const rows = await tx.selectFrom('audit').selectAll().orderBy('id').limit(batch).execute();
      const v = new ChainVerifier(ends);
      let last: { id: number; hash: string } | null = null;
      for (const r of rows) {
        if (r.at >= cutoffMs) break;
        const broken = v.next({ ...r, id: Number(r.id) });
        if (broken) return { deleted: 0, refused: broken };
        last = { id: Number(r.id), hash: r.hash! };
      }
      if (!last) return { deleted: 0, refused: null };
      const { numDeletedRows } = await tx.deleteFrom('audit').where('id', '<=', last.id).executeTakeFirst();
      await tx
        .updateTable('auditChain')
        .set({ anchorId: last.id, anchorHash: last.hash })
        .where('id', '=', 1)
        .execute();
      return { deleted: Number(numDeletedRows), refused: null };
    });
  }
}

/** The same append as `insert`'s, on SQLite's own connection: BEGIN IMMEDIATE takes the write lock first. */
function appendNow(file: SQLite.Database, e: AuditEntry) {
  file
    .transaction(() => {
      const head = file
        .prepare('update audit_chain set head_hash = head_hash where id = 1 returning head_hash as h')
        .get() as { h: string } | undefined;
      if (!head) throw new Error(NOT_MIGRATED);
      const headHash = head.h;
      const { id } = file
        .prepare(
          `insert into audit (at, actor_key_id, actor_name, role, action, target_type, target_id, detail, ip, prev_hash)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        )
        .get(e.at, e.actorKeyId, e.actorName, e.role, e.action, e.targetType, e.targetId, e.detail, e.ip, headHash) as {
        id: number;
      };
      const hash = entryHash({ ...e, id }, headHash);
      file.prepare('update audit set hash = ? where id = ?').run(hash, id);
      file.prepare('update audit_chain set head_id = ?, head_hash = ? where id = 1').run(id, hash);
    })
    .immediate();
}

/** Takes the chain's head row for this transaction (a no-op UPDATE): other appends and purges wait until it commits. */
async function lockChain(tx: Transaction<DB>) {
  const head = await tx
    .updateTable('auditChain')
    .set((eb) => ({ headHash: eb.ref('headHash') }))
    .where('id', '=', 1)
    .returningAll()
    .executeTakeFirst();
  if (!head) throw new Error(NOT_MIGRATED);
  return head;
}

const toEnds = (r: DB['auditChain']): ChainEnds => ({
  anchorId: r.anchorId === null ? null : Number(r.anchorId),
  anchorHash: r.anchorHash,
  headId: r.headId === null ? null : Number(r.headId),
  headHash: r.headHash,
});
