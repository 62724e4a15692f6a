import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../runtime/config.js';
import { decodeImage, FaceDetector, PersonDetector } from './index.js';
import { closeAllSessions } from './session.js';

const cfg = loadConfig({ overrides: { 'models.cacheDir': join(tmpdir(), 'watchpost-test-model-cache'), 'models.threads': 1 } });
const SHARED_PERSON = '/work/shared/data/footage/darknet_person.jpg';

describe('PersonDetector (CenterNet)', () => {
  let detector: PersonDetector;
  beforeAll(async () => {
    detector = await PersonDetector.create(cfg);
  }, 300_000);
  afterAll(() => closeAllSessions());

  it('finds the people of a group photo: every face lies inside a person box', async () => {
    const img = await decodeImage('node_modules/@vladmandic/face-api/demo/sample1.jpg');
    const people = await detector.detect(img);
    const faces = await (await FaceDetector.create(cfg)).detect(img);
    expect(people.length).toBeGreaterThanOrEqual(faces.length);
    for (const f of faces) {
      const cx = (f.box[0] + f.box[2]) / 2, cy = (f.box[1] + f.box[3]) / 2;
      expect(people.some((p) => p.box[0] < cx && cx < p.box[2] && p.box[1] < cy && cy < p.box[3])).toBe(true);
    }
    for (const p of people) expect(p.score).toBeGreaterThanOrEqual(cfg.detect.personScore);
  });

  it('finds nobody in a blank frame', async () => {
    expect(await detector.detect({ width: 640, height: 480, data: Buffer.alloc(640 * 480 * 3, 200) })).toEqual([]);
  });

  it.skipIf(!existsSync(SHARED_PERSON))('finds the standing person in darknet person.jpg (optional: ../shared/data)', async () => {
    const people = await detector.detect(await decodeImage(SHARED_PERSON));
    expect(people).toHaveLength(1);
    const [x1, y1, x2, y2] = people[0]!.box;
    expect((x1 + x2) / 2).toBeGreaterThan(150);
    expect((x1 + x2) / 2).toBeLessThan(300);
    expect(y2 - y1).toBeGreaterThan(200);
  });
});
