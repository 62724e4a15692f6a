import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { euclidean, Gallery } from '../pipeline/face-match.js';
import { loadConfig } from '../runtime/config.js';
import { decodeImage, FaceChain, type DecodedImage } from './index.js';
import { closeAllSessions } from './session.js';

/** Converted models are cached across test runs (the first run converts them). */
const cfg = loadConfig({
  overrides: { 'models.cacheDir': join(tmpdir(), 'watchpost-test-model-cache'), 'models.threads': 1 },
});
const SAMPLE = (i: number) => `node_modules/@vladmandic/face-api/demo/sample${i}.jpg`;

async function transformed(
  img: DecodedImage,
  box: number[],
  opts: { scale: number; angle: number },
): Promise<DecodedImage> {
  // a generous crop around the face, rescaled and rotated: the same face under a new pose in the frame
  const pad = (box[2]! - box[0]!) * 0.8;
  const left = Math.max(0, Math.round(box[0]! - pad)),
    top = Math.max(0, Math.round(box[1]! - pad));
  const width = Math.min(img.width - left, Math.round(box[2]! - box[0]! + 2 * pad));
  const height = Math.min(img.height - top, Math.round(box[3]! - box[1]! + 2 * pad));
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize(Math.round(width * opts.scale))
    .rotate(opts.angle, { background: '#808080' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('FaceChain (BlazeFace -> face-api landmarks -> similarity alignment -> face-api descriptor)', () => {
  let chain: FaceChain;
  let group: DecodedImage;

  beforeAll(async () => {
    chain = await FaceChain.create(cfg);
    group = await decodeImage(SAMPLE(1));
  }, 300_000);
  afterAll(() => closeAllSessions());

  it('describes every face of a group photo with a unit-length 128-d descriptor and a quality', async () => {
    expect(chain.embedderId).toBe('faceapi-128');
    const faces = await chain.describeAll(group);
    expect(faces.length).toBeGreaterThanOrEqual(3);
    for (const f of faces) {
      expect(f.descriptor).toHaveLength(128);
      expect(Math.hypot(...f.descriptor)).toBeCloseTo(1, 4);
      expect(f.quality).toBeGreaterThan(0);
      expect(f.quality).toBeLessThanOrEqual(1);
      expect(f.face.keypoints).toHaveLength(6);
      const [x1, y1, x2, y2] = f.face.box;
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(y2).toBeLessThanOrEqual(group.height);
      // both eyes inside the face box, left of each other in image order
      const [le, re] = f.face.keypoints;
      expect(le![0]).toBeLessThan(re![0]);
      expect(le![0]).toBeGreaterThan(x1);
      expect(re![0]).toBeLessThan(x2);
      expect(le![1]).toBeGreaterThan(y1);
    }
  });

  it('matches the same face after rescaling and rotation, and keeps different people apart', async () => {
    const faces = await chain.describeAll(group);
    const crossDistances = faces.flatMap((a, i) =>
      faces.slice(i + 1).map((b) => euclidean(a.descriptor, b.descriptor)),
    );
    expect(Math.min(...crossDistances)).toBeGreaterThan(chain.matchThreshold);
    for (const f of faces) {
      const moved = await transformed(group, f.face.box, { scale: 0.6, angle: 12 });
      const again = await chain.describeAll(moved);
      expect(again).toHaveLength(1);
      expect(euclidean(again[0]!.descriptor, f.descriptor)).toBeLessThan(chain.matchThreshold);
    }
  });

  it('names faces against a gallery of enrolment photos', async () => {
    const faces = await chain.describeAll(group);
    const identities = [];
    for (const [i, f] of faces.entries()) {
      const photo = await transformed(group, f.face.box, { scale: 0.8, angle: -8 });
      const enrolled = await chain.enrolmentDescriptor(photo);
      expect(enrolled.ok).toBe(true);
      if (enrolled.ok) identities.push({ id: `p${i}`, name: `person ${i}`, descriptors: [enrolled.descriptor] });
    }
    const gallery = new Gallery(identities, { threshold: chain.matchThreshold });
    for (const [i, f] of faces.entries()) expect(gallery.match(f.descriptor)?.id).toBe(`p${i}`);
  });

  it('looks only inside a region when given one', async () => {
    const [first] = await chain.describeAll(group);
    const [x1, y1, x2, y2] = first!.face.box;
    const inRegion = await chain.describeAll(group, [x1 - 50, y1 - 50, x2 + 50, y2 + 50]);
    expect(inRegion).toHaveLength(1);
    expect(euclidean(inRegion[0]!.descriptor, first!.descriptor)).toBeLessThan(chain.matchThreshold);
  });

  it('refuses enrolment photos without exactly one usable face, as values', async () => {
    const several = await chain.enrolmentDescriptor(group);
    expect(several).toMatchObject({ ok: false, reason: 'several_faces' });
    const blank = { width: 300, height: 300, data: Buffer.alloc(300 * 300 * 3, 128) };
    expect(await chain.enrolmentDescriptor(blank)).toMatchObject({ ok: false, reason: 'no_face' });
    const [first] = await chain.describeAll(group);
    const tiny = await transformed(group, first!.face.box, { scale: 0.1, angle: 0 });
    const small = await chain.enrolmentDescriptor(tiny);
    expect(small.ok).toBe(false);
    if (!small.ok) expect(['face_too_small', 'no_face']).toContain(small.reason);
  });
});
