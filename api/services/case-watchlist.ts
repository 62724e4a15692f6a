import type { Config } from '../../pipeline/config/index.js';
import { identitiesFromRows, type WatchlistIdentity } from '../../pipeline/watchlist.js';
import { openDatabase } from '../../storage/database/database.js';
import { CaseRepository } from '../../storage/repositories/case.repository.js';
import { PerpetratorRepository } from '../../storage/repositories/perpetrator.repository.js';

/** The case does not exist, or none of its perpetrators has a descriptor for this embedder. */
export class CaseWatchlistError extends Error {
  override name = 'CaseWatchlistError';
}

type Repos = { cases: Pick<CaseRepository, 'get' | 'links'>; perpetrators: Pick<PerpetratorRepository, 'embeddings'> };

const byId = (identities: WatchlistIdentity[]) => identities.sort((a, b) => a.id.localeCompare(b.id));

/**
 * The watchlist of one protection case, from the system of record: its linked
 * perpetrators with their descriptors from `embedder`. The case's schedule is ignored:
 * a replay shows what would have been seen had it been active. The API resolves it
 * into replay jobs (workers never open the database); `watchpost replay --case` reads it too.
 */
export async function caseWatchlist(repos: Repos, caseId: string, embedder: string): Promise<WatchlistIdentity[]> {
  if (!(await repos.cases.get(caseId))) throw new CaseWatchlistError(`no protection case ${caseId}`);
  const ids = (await repos.cases.links([caseId])).get(caseId) ?? [];
  if (!ids.length) throw new CaseWatchlistError(`case ${caseId} has no perpetrators linked`);
  const identities = identitiesFromRows(await repos.perpetrators.embeddings(ids, embedder));
  if (!identities.length)
    throw new CaseWatchlistError(
      `case ${caseId}: none of its ${ids.length} perpetrators has an enrolled face for embedder ${embedder}`,
    );
  return byId(identities);
}

/** Every enrolled perpetrator with a descriptor from `embedder` (a replay that names no case). */
export async function enrolledWatchlist(
  perpetrators: Pick<PerpetratorRepository, 'enrolled'>,
  embedder: string,
): Promise<WatchlistIdentity[]> {
  return byId(identitiesFromRows(await perpetrators.enrolled(embedder)));
}

/** caseWatchlist on the database `cfg` names, opened for this one read (the replay CLI). */
export async function readCaseWatchlist(
  cfg: Pick<Config, 'databaseUrl' | 'dataDir'>,
  caseId: string,
  embedder: string,
): Promise<WatchlistIdentity[]> {
  const db = await openDatabase(cfg);
  try {
    const repos = { cases: new CaseRepository(db.db), perpetrators: new PerpetratorRepository(db.db) };
    return await caseWatchlist(repos, caseId, embedder).catch((err: unknown) => {
      if (err instanceof CaseWatchlistError) err.message = `${err.message} (in ${db.location})`;
      throw err;
    });
  } finally {
    await db.close();
  }
}
