import { openDatabase } from '../../storage/database/database.js';
import { CaseRepository } from '../../storage/repositories/case.repository.js';
import { PerpetratorRepository } from '../../storage/repositories/perpetrator.repository.js';
import type { Config } from '../../pipeline/config/index.js';
import type { GalleryIdentity } from '../../pipeline/face-match.js';

/** The case does not exist, or none of its perpetrators has a descriptor for this embedder. */
export class CaseWatchlistError extends Error {
  override name = 'CaseWatchlistError';
}

/**
 * The watchlist of one protection case, read from the system of record through the
 * API's repositories: its linked perpetrators with their descriptors from `embedder`.
 * The case's schedule is ignored: an analyst replays what would have been seen if it
 * had been active.
 */
export async function caseWatchlist(
  cfg: Pick<Config, 'databaseUrl' | 'dataDir'>,
  caseId: string,
  embedder: string,
): Promise<GalleryIdentity[]> {
  const db = await openDatabase(cfg);
  try {
    const cases = new CaseRepository(db.db);
    if (!(await cases.get(caseId))) throw new CaseWatchlistError(`no protection case ${caseId} in ${db.location}`);
    const ids = (await cases.links([caseId])).get(caseId) ?? [];
    if (!ids.length) throw new CaseWatchlistError(`case ${caseId} has no perpetrators linked`);
    const rows = await new PerpetratorRepository(db.db).embeddings(ids, embedder);
    const identities = new Map<string, GalleryIdentity & { descriptors: number[][] }>();
    for (const r of rows) {
      const entry = identities.get(r.perpetratorId) ?? { id: r.perpetratorId, name: r.name, descriptors: [] };
      entry.descriptors.push(JSON.parse(r.descriptor) as number[]);
      identities.set(r.perpetratorId, entry);
    }
    if (!identities.size)
      throw new CaseWatchlistError(
        `case ${caseId}: none of its ${ids.length} perpetrators has an enrolled face for embedder ${embedder}`,
      );
    return [...identities.values()].sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    await db.close();
  }
}
