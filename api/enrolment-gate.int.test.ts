import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, FaceChain } from '../models/index.js';
import { loadConfig } from '../runtime/config.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { loadFaceEnroller } from './services/face-enroller.js';

/** Real photos shipped with @vladmandic/face-api (each shows several people). */
const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
const group = readFileSync(join(demo, 'sample1.jpg'));
/** Optional real stills of animals (skipped on a fresh clone). */
const FOOTAGE = process.env.WATCHPOST_FOOTAGE_DIR ?? new URL('../../shared/data/footage', import.meta.url).pathname;

let api: ApiFixture;
let id: string;
/** One person cut out of the group photo, the face about 180 px wide. */
let portrait: Buffer;

const enrol = (body: Buffer) =>
  api.call('POST', `/v1/perpetrators/${id}/photos`, { body: new Uint8Array(body), key: api.keys.operator });

beforeAll(async () => {
  api = await startApiFixture('gate');
  const chain = await FaceChain.create(api.cfg);
  const img = await decodeImage(group);
  const faces = await chain.describeAll(img);
  const box = faces.sort((a, b) => b.face.box[2] - b.face.box[0] - (a.face.box[2] - a.face.box[0]))[0]!.face.box;
  const w = box[2] - box[0];
  const left = Math.max(0, Math.round(box[0] - w * 0.8));
  const top = Math.max(0, Math.round(box[1] - w * 0.8));
  portrait = await sharp(group)
    .extract({
      left,
      top,
      width: Math.min(img.width - left, Math.round(w * 2.6)),
      height: Math.min(img.height - top, Math.round(w * 2.8)),
    })
    .jpeg({ quality: 92 })
    .toBuffer();
  id = (await api.call('POST', '/v1/perpetrators', { json: { name: 'Gate Person' }, key: api.keys.operator })).body.id;
}, 180_000);
afterAll(async () => {
  await api?.close();
});

describe('enrolment gate over HTTP (real photos, real models)', () => {
  it('accepts a clear photo of one person, and says how good it is', async () => {
    const check = await api.call('POST', '/v1/faces/detect', {
      body: new Uint8Array(portrait),
      key: api.keys.operator,
    });
    expect(check.status).toBe(200);
    expect(check.body.enrolment).toMatchObject({ ok: true, reason: null, quality: { score: expect.any(Number) } });
    expect(check.body.enrolment.quality.score).toBeGreaterThan(0.5);
    expect((await enrol(portrait)).status).toBe(201);
  });

  it('refuses a face too small to identify, naming its size and the size needed', async () => {
    const meta = await sharp(portrait).metadata();
    const small = await sharp(portrait)
      .resize(Math.round(meta.width! * 0.3))
      .jpeg()
      .toBuffer();
    const r = await enrol(small);
    expect(r.status).toBe(422);
    expect(r.body.reason).toBe('face_too_small');
    expect(r.body.detail).toMatch(/face too small: \d+ px, need 80/);
    expect(r.body.box).toHaveLength(4);
    const check = await api.call('POST', '/v1/faces/detect', { body: new Uint8Array(small), key: api.keys.operator });
    expect(check.body.enrolment).toMatchObject({ ok: false, reason: 'face_too_small' });
  });

  it('refuses a blurred photo as too blurred', async () => {
    const r = await enrol(await sharp(portrait).blur(6).jpeg().toBuffer());
    expect(r.status).toBe(422);
    expect(['too_blurred', 'no_face', 'no_human_face']).toContain(r.body.reason);
    if (r.body.reason === 'too_blurred') expect(r.body.detail).toMatch(/too blurred/);
    expect((await api.call('GET', `/v1/perpetrators/${id}`, { key: api.keys.analyst })).body.photos).toHaveLength(1);
  });

  it.skipIf(!existsSync(join(FOOTAGE, 'darknet_dog.jpg')))(
    'refuses the dog and horse stills of ../shared/data/footage as no human face',
    async () => {
      for (const f of ['darknet_dog.jpg', 'darknet_horses.jpg']) {
        const r = await enrol(readFileSync(join(FOOTAGE, f)));
        expect(r.status, f).toBe(422);
        expect(r.body.reason, f).toBe('no_human_face');
        expect(r.body.detail, f).toMatch(/no human face/);
      }
    },
  );
});

describe('photos enrolled before the gate', () => {
  let old: ApiFixture;
  /** The gate as it was: faces from 20 px; switched to today's rule for the recheck. */
  let strict = false;

  beforeAll(async () => {
    const loose = loadConfig({
      overrides: { 'identify.enrolQuality.minWidthPx': 20, 'models.cacheDir': api.cfg.models.cacheDir },
    });
    const [before, today] = await Promise.all([loadFaceEnroller(loose), loadFaceEnroller(api.cfg)]);
    // The server keeps the enroller it is given: this one applies the gate of the moment.
    const current = () => (strict ? today : before);
    const enroller = {
      embedderId: today.embedderId,
      enrol: (image: Buffer) => current().enrol(image),
      check: (image: Buffer) => current().check(image),
    };
    old = await startApiFixture('gate-old', { server: { faceEnroller: async () => enroller } });
  }, 180_000);
  afterAll(async () => {
    await old?.close();
  });

  it('are flagged with the reason when they fail it, not dropped', async () => {
    const pid = (await old.call('POST', '/v1/perpetrators', { json: { name: 'Old Photos' }, key: old.keys.operator }))
      .body.id;
    const meta = await sharp(portrait).metadata();
    const small = await sharp(portrait)
      .resize(Math.round(meta.width! * 0.3))
      .jpeg()
      .toBuffer();
    for (const photo of [portrait, small]) {
      const r = await old.call('POST', `/v1/perpetrators/${pid}/photos`, {
        body: new Uint8Array(photo),
        key: old.keys.operator,
      });
      expect(r.status).toBe(201);
    }
    strict = true;
    const recheck = await old.call('POST', '/v1/faces/recheck', { key: old.keys.operator });
    expect(recheck.status).toBe(200);
    expect(recheck.body).toEqual({ checked: 2, flagged: 1 });
    const photos = (await old.call('GET', `/v1/perpetrators/${pid}`, { key: old.keys.analyst })).body.photos;
    expect(photos).toHaveLength(2);
    expect(photos[0]).toMatchObject({ gateRefusal: null, quality: { score: expect.any(Number) } });
    expect(photos[1].gateRefusal).toMatch(/face too small: \d+ px, need 80/);
  });
});
