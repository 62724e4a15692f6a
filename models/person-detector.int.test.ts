import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../runtime/config.js';
import { execFileSync } from 'node:child_process';
import { fixture } from '../fixtures/index.js';
import { iou } from '../pipeline/nms.js';
import { requireFfmpeg } from '../runtime/system-tools.js';
import { builtinSession } from './families/builtin-model.js';
import { CenternetDetector, detectionsOutput, fitsWide } from './families/centernet.js';
import { decodeImage, FaceDetector, PersonDetector, type DecodedImage } from './index.js';
import { closeAllSessions } from './session.js';

const cfg = loadConfig({
  overrides: { 'models.cacheDir': join(tmpdir(), 'watchpost-test-model-cache'), 'models.threads': 1 },
});
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
      const cx = (f.box[0] + f.box[2]) / 2,
        cy = (f.box[1] + f.box[3]) / 2;
      expect(people.some((p) => p.box[0] < cx && cx < p.box[2] && p.box[1] < cy && cy < p.box[3])).toBe(true);
    }
    for (const p of people) expect(p.score).toBeGreaterThanOrEqual(cfg.detect.personScore);
  });

  it('finds nobody in a blank frame', async () => {
    expect(await detector.detect({ width: 640, height: 480, data: Buffer.alloc(640 * 480 * 3, 200) })).toEqual([]);
  });

  it.skipIf(!existsSync(SHARED_PERSON))(
    'finds the standing person in darknet person.jpg (optional: ../shared/data)',
    async () => {
      const people = await detector.detect(await decodeImage(SHARED_PERSON));
      expect(people).toHaveLength(1);
      const [x1, y1, x2, y2] = people[0]!.box;
      expect((x1 + x2) / 2).toBeGreaterThan(150);
      expect((x1 + x2) / 2).toBeLessThan(300);
      expect(y2 - y1).toBeGreaterThan(200);
    },
  );
});

/** The top-left 16:9 part of an image (rows cut at the bottom). */
function crop169(img: DecodedImage): DecodedImage {
  const height = Math.floor((img.width * 9) / 16);
  return { width: img.width, height, data: img.data.subarray(0, img.width * height * 3) };
}

describe('CenterNet on wide frames (512x288 variant)', () => {
  afterAll(() => closeAllSessions());

  it('sends 16:9 and wider frames to the wide input, squarer ones to the square input', () => {
    expect(fitsWide([0, 0, 1280, 720])).toBe(true);
    expect(fitsWide([0, 0, 854, 480])).toBe(true);
    expect(fitsWide([0, 0, 640, 480])).toBe(false);
    expect(fitsWide([0, 0, 480, 640])).toBe(false);
  });

  it('takes only the decoded detections from onnxruntime, not the 80-class heatmap', async () => {
    for (const name of ['centernet', 'centernetWide'] as const) {
      const session = await builtinSession(cfg, name);
      expect(session.outputs.map((o) => o.name)).toContain('tower_0/keypoints');
      expect(detectionsOutput(session)).toEqual(['tower_0/detections']);
    }
  });

  it('finds the same people as the square letterbox, with close (calibrated) scores', async () => {
    const frame = execFileSync(requireFfmpeg(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-ss',
      '8',
      '-i',
      fixture('enrolled-walk-in').video,
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-c:v',
      'png',
      'pipe:1',
    ]);
    const images = [
      await decodeImage(frame),
      crop169(await decodeImage('node_modules/@vladmandic/face-api/demo/sample1.jpg')),
    ];
    const wide = await PersonDetector.create(cfg);
    const square = new CenternetDetector(await builtinSession(cfg, 'centernet'));
    let people = 0;
    for (const img of images) {
      expect(fitsWide([0, 0, img.width, img.height])).toBe(true);
      const a = await wide.detect(img);
      const b = await square.detect(img, { minScore: cfg.detect.personScore });
      expect(a.length).toBe(b.length);
      for (const p of b) {
        const twin = a.reduce((best, q) => (iou(q.box, p.box) > iou(best.box, p.box) ? q : best));
        expect(iou(twin.box, p.box)).toBeGreaterThan(0.8);
        expect(Math.abs(twin.score - p.score)).toBeLessThan(0.15);
      }
      people += b.length;
    }
    expect(people).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
