import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { decodeImage, FaceChain } from '../models/index.js';
import { globalKeys } from '../pipeline/redis-keys.js';
import { watchlistSnapshotSchema } from '../pipeline/watchlist.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput } from '../test/factories/api.factory.js';

/** Real photos shipped with @vladmandic/face-api (each shows several people). */
const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
const group = readFileSync(join(demo, 'sample1.jpg'));

let api: ApiFixture;
let redis: Redis;
/** One person cut out of the group photo (the largest face with its surroundings). */
let portrait: Buffer;
let background: Buffer;

beforeAll(async () => {
  api = await startApiFixture('enrol');
  redis = new Redis(api.redisUrl);
  const chain = await FaceChain.create(api.cfg);
  const img = await decodeImage(group);
  const faces = await chain.describeAll(img);
  const largest = faces.sort((a, b) => b.face.box[2] - b.face.box[0] - (a.face.box[2] - a.face.box[0]))[0]!.face.box;
  const w = largest[2] - largest[0];
  const h = largest[3] - largest[1];
  const left = Math.max(0, Math.round(largest[0] - w * 0.6));
  const top = Math.max(0, Math.round(largest[1] - h * 0.6));
  portrait = await sharp(group)
    .extract({
      left,
      top,
      width: Math.min(img.width - left, Math.round(w * 2.2)),
      height: Math.min(img.height - top, Math.round(h * 2.4)),
    })
    .jpeg()
    .toBuffer();
  // A strip of the photo below every detected face: clothes and background, nobody's face.
  const below = Math.ceil(Math.max(...faces.map((f) => f.face.box[3]))) + 40;
  expect(img.height - below).toBeGreaterThan(100);
  background = await sharp(group)
    .extract({ left: 0, top: below, width: img.width, height: img.height - below })
    .png()
    .toBuffer();
}, 180_000);
afterAll(async () => {
  redis?.disconnect();
  await api?.close();
});

describe('enrolment through the API (real photos, real face models)', () => {
  let id: string;

  it('enrols a photo with one face and publishes its descriptor to the watchlist of active cases', async () => {
    id = (await api.call('POST', '/v1/perpetrators', { json: { name: 'Sample Person' }, key: api.keys.operator })).body
      .id;
    const r = await api.call('POST', `/v1/perpetrators/${id}/photos`, {
      body: new Uint8Array(portrait),
      headers: { 'content-type': 'application/octet-stream' },
      key: api.keys.operator,
    });
    expect(r.status).toBe(201);
    expect(r.body.mime).toBe('image/jpeg');
    const c = await api.call('POST', '/v1/cases', { json: caseInput({ perpetratorIds: [id] }) });
    await api.call('POST', '/v1/cameras', {
      json: { id: 'enrol-cam', name: 'Door', url: 'rtsp://10.0.0.1/s', caseId: c.body.id },
    });
    const keys = globalKeys(api.prefix);
    const deadline = Date.now() + 10_000;
    let snapshot = null;
    while (Date.now() < deadline) {
      const parsed = watchlistSnapshotSchema.safeParse(JSON.parse((await redis.get(keys.watchlistCurrent)) ?? 'null'));
      if (parsed.success && parsed.data.cameras['enrol-cam']?.includes(id)) {
        snapshot = parsed.data;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(snapshot).not.toBeNull();
    expect(snapshot!.embedder).toBe('faceapi-128');
    expect(snapshot!.identities).toEqual([expect.objectContaining({ id, name: 'Sample Person' })]);
    expect(snapshot!.identities[0]!.descriptors[0]).toHaveLength(128);
    expect(JSON.parse((await redis.get(keys.cameraRegistry))!)).toEqual([
      { id: 'enrol-cam', url: 'rtsp://10.0.0.1/s', caseId: c.body.id },
    ]);
  });

  it('refuses a group photo (several faces) and a photo without a face with 422 and the reason', async () => {
    const several = await api.call('POST', `/v1/perpetrators/${id}/photos`, {
      body: new Uint8Array(group),
      key: api.keys.operator,
    });
    expect(several.status).toBe(422);
    expect(several.body.reason).toBe('several_faces');
    const none = await api.call('POST', `/v1/perpetrators/${id}/photos`, {
      body: new Uint8Array(background),
      key: api.keys.operator,
    });
    expect(none.status).toBe(422);
    expect(none.body.reason).toBe('no_face');
    expect((await api.call('GET', `/v1/perpetrators/${id}`, { key: api.keys.analyst })).body.photos).toHaveLength(1);
  });

  it('serves the photo to authorised roles only and purges everything on delete', async () => {
    const detail = await api.call('GET', `/v1/perpetrators/${id}`, { key: api.keys.analyst });
    const photoUrl = `/v1/perpetrators/${id}/photos/${detail.body.photos[0].id}`;
    expect((await api.call('GET', photoUrl, { key: api.keys.officer })).status).toBe(403);
    expect((await api.call('GET', photoUrl, { key: api.keys.analyst })).status).toBe(200);
    expect((await api.call('DELETE', `/v1/perpetrators/${id}`, { key: api.keys.operator })).status).toBe(204);
    expect((await api.call('GET', photoUrl)).status).toBe(404);
    const audit = await api.call('GET', `/v1/audit?targetId=${id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'perpetrator.photo.enrol',
        'perpetrator.photo.rejected',
        'perpetrator.photo.read',
        'perpetrator.delete',
      ]),
    );
  });
});
