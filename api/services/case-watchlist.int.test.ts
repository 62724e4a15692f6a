import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../../test/api-fixture.js';
import { caseInput } from '../../test/factories/api.factory.js';
import { galleryDir } from '../../fixtures/index.js';
import { CaseWatchlistError, enrolledWatchlist, readCaseWatchlist } from './case-watchlist.js';

/** A case set up through the real API (real enrolment), then read back the way `watchpost replay --case` reads it. */
describe('case watchlists', () => {
  let api: ApiFixture;
  let caseId: string;
  let perpetratorId: string;
  let embedder: string;

  beforeAll(async () => {
    api = await startApiFixture('case-watchlist');
    perpetratorId = (
      await api.call('POST', '/v1/perpetrators', { json: { name: 'Subject A' }, key: api.keys.operator })
    ).body.id;
    const photo = readFileSync(join(galleryDir, 'subject-a', 'group-photo.jpg'));
    const enrolled = await api.call('POST', `/v1/perpetrators/${perpetratorId}/photos`, {
      body: new Uint8Array(photo),
      headers: { 'content-type': 'image/jpeg' },
      key: api.keys.operator,
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    embedder = (await api.server.core.repos.perpetrators.latestEmbedder())!;
    caseId = (await api.call('POST', '/v1/cases', { json: caseInput({ perpetratorIds: [perpetratorId] }) })).body.id;
  }, 300_000);
  afterAll(() => api?.close());

  it("returns the case's perpetrators with their enrolled descriptors", async () => {
    const identities = await readCaseWatchlist(api.cfg, caseId, embedder);
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatchObject({ id: perpetratorId, name: 'Subject A' });
    expect(identities[0]!.descriptors).toHaveLength(1);
    expect(identities[0]!.descriptors[0]!.length).toBe(128);
  });

  it('resolves every enrolled perpetrator for a replay that names no case', async () => {
    const everyone = await enrolledWatchlist(api.server.core.repos.perpetrators, embedder);
    expect(everyone.map((i) => i.id)).toEqual([perpetratorId]);
    expect(await enrolledWatchlist(api.server.core.repos.perpetrators, 'other-embedder')).toEqual([]);
  });

  it('refuses an unknown case, a case without perpetrators and an embedder nobody was enrolled with', async () => {
    await expect(readCaseWatchlist(api.cfg, 'no-such-case', embedder)).rejects.toThrow(CaseWatchlistError);
    const bare = (await api.call('POST', '/v1/cases', { json: caseInput() })).body.id;
    await expect(readCaseWatchlist(api.cfg, bare, embedder)).rejects.toThrow(/no perpetrators linked/);
    await expect(readCaseWatchlist(api.cfg, caseId, 'other-embedder')).rejects.toThrow(
      /enrolled face for embedder other-embedder/,
    );
  });
});
