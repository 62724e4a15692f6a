import { entryHash, GENESIS_HASH, type ChainedFields } from '../../../pipeline/audit-chain.js';
import type { MigrationContext, MigrationDb, StepMigration } from './migration.js';

const BATCH = 500;

/**
 * Tamper evidence for the audit trail (issue 20): each entry gets the hash of the one before it and its
 * own hash (pipeline/audit-chain.ts), and `auditChain` holds the chain's ends in one row: the newest
 * entry (writers lock this row, so appends from several processes form one chain) and the anchor, the
 * last entry a retention purge removed. Entries written before this step are hashed here, in id order,
 * from genesis.
 */
export const m0008AuditChain: StepMigration = ({ ts }: MigrationContext) => ({
  async up(db: MigrationDb) {
    await db.schema.alterTable('audit').addColumn('prevHash', 'text').execute();
    await db.schema.alterTable('audit').addColumn('hash', 'text').execute();
    await db.schema
      .createTable('auditChain')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('headId', ts)
      .addColumn('headHash', 'text', (c) => c.notNull())
      .addColumn('anchorId', ts)
      .addColumn('anchorHash', 'text')
      .execute();
    let prevHash = GENESIS_HASH;
    let headId: number | null = null;
    for (;;) {
      let q = db.selectFrom('audit').selectAll().orderBy('id').limit(BATCH);
      if (headId !== null) q = q.where('id', '>', headId);
      const rows = (await q.execute()) as ChainedFields[];
      for (const r of rows) {
        const hash = entryHash(r, prevHash);
        await db.updateTable('audit').set({ prevHash, hash }).where('id', '=', r.id).execute();
        prevHash = hash;
        headId = Number(r.id);
      }
      if (rows.length < BATCH) break;
    }
    await db
      .insertInto('auditChain')
      .values({ id: 1, headId, headHash: prevHash, anchorId: null, anchorHash: null })
      .execute();
  },
});
