/**
 * A process that appends audit entries as fast as it can (the chain's concurrency test runs several at once):
 * `node --import tsx test/audit-writer.ts <dataDir> <databaseUrl|-> <count> <tag>`.
 */
import { openDatabase } from '../storage/database/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';

const [dataDir, url, count, tag] = process.argv.slice(2) as [string, string, string, string];
const db = await openDatabase({ dataDir, databaseUrl: url === '-' ? undefined : url });
const repo = new AuditRepository(db.db);
// Start together: wait for the moment the test named (so every process is open and migrated first).
const startAt = Number(process.env.START_AT ?? 0);
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
// A short pause between writes, as between requests: SQLite's busy wait backs off, so without one a
// writer holding the lock would finish all its entries before the others woke.
const pauseMs = Number(process.env.PAUSE_MS ?? 0);
for (let i = 0; i < Number(count); i++) {
  if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  await repo.insert({
    at: Date.now(),
    actorKeyId: null,
    actorName: tag,
    role: null,
    action: 'test.write',
    targetType: 'test',
    targetId: String(i),
    detail: null,
    ip: null,
  });
}
await db.close();
