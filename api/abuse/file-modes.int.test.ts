import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { replaysRoot } from '../../storage/repositories/replay.repository.js';
import { type ApiFixture, startApiFixture } from '../../test/api-fixture.js';
import { frameJpeg } from '../../test/factories/api.factory.js';
import { alertWithEvidence } from '../../test/factories/evidence.factory.js';

/** What the service keeps of people on disk is readable by its own user only: folders 0700, files 0600. */
let api: ApiFixture;
beforeAll(async () => {
  api = await startApiFixture('abuse-modes');
});
afterAll(() => api?.close());

/** Every folder and file under `root` (itself included) with its permission bits. */
const modes = (root: string) =>
  [root, ...readdirSync(root, { recursive: true }).map((p) => join(root, String(p)))].map((p) => {
    const s = statSync(p);
    return { p, dir: s.isDirectory(), mode: s.mode & 0o777 };
  });
const expectPrivate = (root: string) => {
  const all = modes(root);
  expect(all.filter((m) => !m.dir).length).toBeGreaterThan(0);
  for (const m of all) expect([m.p, m.mode]).toEqual([m.p, m.dir ? 0o700 : 0o600]);
};

it('keeps evidence (stills, clips, tracks) and photos 0600 in 0700 folders', async () => {
  await alertWithEvidence(api, [
    ['snapshot', await frameJpeg()],
    ['clip', readFileSync(fixture('empty').video), 'video/mp4', 'mp4'],
    ['clip_redacted', Buffer.from('redacted copy'), 'video/mp4', 'mp4'],
    ['clip_track', Buffer.from('{"frames":[]}'), 'application/json', 'json'],
  ]);
  await api.server.core.repos.photos.put('prp_modes', await frameJpeg(), 'jpg');
  expectPrivate(api.server.core.repos.evidence.root);
  expectPrivate(api.server.core.repos.photos.root);
});

it('keeps an uploaded replay video 0600 in 0700 folders while it waits for the worker', async () => {
  const created = await api.call('POST', '/v1/replays', {
    key: api.keys.analyst,
    body: readFileSync(fixture('empty').video),
    headers: { 'content-type': 'video/mp4', 'x-file-name': 'porch.mp4' },
  });
  expect(created.status).toBe(202);
  const row = await api.server.core.repos.replays.get(created.body.id);
  expect(statSync(row!.uploadPath!).mode & 0o777).toBe(0o600);
  expectPrivate(replaysRoot(api.cfg.dataDir));
});
