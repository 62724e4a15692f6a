import type { Database } from '../database/database.js';
import type { EmbeddingTable, PerpetratorTable, PhotoTable } from '../database/database.types.js';

export class PerpetratorRepository {
  constructor(private readonly db: Database) {}

  insert(row: PerpetratorTable) {
    return this.db.insertInto('perpetrators').values(row).execute();
  }

  get(id: string) {
    return this.db.selectFrom('perpetrators').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(f: { limit: number; after?: { createdAt: number; id: string }; q?: string }) {
    let q = this.db
      .selectFrom('perpetrators')
      .selectAll()
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit);
    if (f.after) {
      const { createdAt, id } = f.after;
      q = q.where((eb) =>
        eb.or([eb('createdAt', '<', createdAt), eb.and([eb('createdAt', '=', createdAt), eb('id', '<', id)])]),
      );
    }
    // lower() on both sides: SQLite's LIKE ignores case, PostgreSQL's does not.
    if (f.q)
      q = q.where((eb) => eb(eb.fn('lower', ['name']), 'like', `%${f.q!.toLowerCase().replace(/[%_\\]/g, '')}%`));
    return q.execute();
  }

  update(id: string, patch: Partial<Pick<PerpetratorTable, 'name' | 'notes' | 'watchEverywhere' | 'updatedAt'>>) {
    return this.db.updateTable('perpetrators').set(patch).where('id', '=', id).execute();
  }

  /** Deletes the profile with its photos, embeddings and case links (one transaction). */
  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('embeddings').where('perpetratorId', '=', id).execute();
      await trx.deleteFrom('photos').where('perpetratorId', '=', id).execute();
      await trx.deleteFrom('casePerpetrators').where('perpetratorId', '=', id).execute();
      await trx.deleteFrom('perpetrators').where('id', '=', id).execute();
    });
  }

  async insertPhotoWithEmbedding(photo: PhotoTable, embedding: EmbeddingTable): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('photos').values(photo).execute();
      await trx.insertInto('embeddings').values(embedding).execute();
      await trx
        .updateTable('perpetrators')
        .set({ updatedAt: photo.createdAt })
        .where('id', '=', photo.perpetratorId)
        .execute();
    });
  }

  photos(perpetratorId: string) {
    return this.db
      .selectFrom('photos')
      .selectAll()
      .where('perpetratorId', '=', perpetratorId)
      .orderBy('createdAt', 'asc')
      .execute();
  }

  /** Every enrolled photo of every perpetrator. */
  allPhotos() {
    return this.db.selectFrom('photos').selectAll().orderBy('createdAt', 'asc').execute();
  }

  async setPhotoGate(photoId: string, quality: string | null, gateRefusal: string | null): Promise<void> {
    await this.db.updateTable('photos').set({ quality, gateRefusal }).where('id', '=', photoId).execute();
  }

  photo(perpetratorId: string, photoId: string) {
    return this.db
      .selectFrom('photos')
      .selectAll()
      .where('perpetratorId', '=', perpetratorId)
      .where('id', '=', photoId)
      .executeTakeFirst();
  }

  async deletePhoto(photoId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('embeddings').where('photoId', '=', photoId).execute();
      await trx.deleteFrom('photos').where('id', '=', photoId).execute();
    });
  }

  photoCounts(ids: string[]) {
    if (!ids.length) return Promise.resolve([] as { perpetratorId: string; n: number }[]);
    return this.db
      .selectFrom('photos')
      .select((eb) => ['perpetratorId', eb.fn.countAll<number>().as('n')])
      .where('perpetratorId', 'in', ids)
      .groupBy('perpetratorId')
      .execute();
  }

  /** Every descriptor of the given perpetrators made by `embedder`. */
  embeddings(ids: string[], embedder: string) {
    if (!ids.length) return Promise.resolve([]);
    return this.db
      .selectFrom('embeddings')
      .innerJoin('perpetrators', 'perpetrators.id', 'embeddings.perpetratorId')
      .select(['embeddings.perpetratorId', 'perpetrators.name', 'embeddings.descriptor'])
      .where('embeddings.perpetratorId', 'in', ids)
      .where('embeddings.embedder', '=', embedder)
      .orderBy('embeddings.createdAt', 'asc')
      .execute();
  }

  /** Every descriptor made by `embedder`, of every perpetrator. */
  enrolled(embedder: string) {
    return this.db
      .selectFrom('embeddings')
      .innerJoin('perpetrators', 'perpetrators.id', 'embeddings.perpetratorId')
      .select(['embeddings.perpetratorId', 'perpetrators.name', 'embeddings.descriptor'])
      .where('embeddings.embedder', '=', embedder)
      .orderBy('embeddings.createdAt', 'asc')
      .execute();
  }

  async latestEmbedder(): Promise<string | null> {
    const row = await this.db
      .selectFrom('embeddings')
      .select('embedder')
      .orderBy('createdAt', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.embedder ?? null;
  }

  watchedEverywhere() {
    return this.db.selectFrom('perpetrators').select('id').where('watchEverywhere', '=', 1).execute();
  }
}
