import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../image.js';
import { closeAllSessions, openSession } from '../session.js';
import { writeFixedOutputModel, type FixedOutput } from '../../test/models/fixed-output-model.js';
import { decodeYunet, YunetDetector } from './yunet.js';

const SIZE = 32;
const SHARED = '/work/shared/data';
const hasShared = existsSync(join(SHARED, 'models/yunet_n_640_640.onnx'));

/** Heads for a 32 px input: 16 cells at stride 8, 4 at 16, 1 at 32; one face at stride-8 cell (gx 1, gy 2). */
function heads(): FixedOutput[] {
  const out: FixedOutput[] = [];
  for (const [stride, cells] of [
    [8, 16],
    [16, 4],
    [32, 1],
  ] as const) {
    const cls = new Float32Array(cells),
      obj = new Float32Array(cells),
      bbox = new Float32Array(cells * 4),
      kps = new Float32Array(cells * 10);
    if (stride === 8) {
      const i = 2 * 4 + 1;
      cls[i] = 0.81;
      obj[i] = 1;
      bbox.set([0.5, 0.25, Math.log(2), Math.log(1.5)], i * 4);
      kps.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], i * 10);
    }
    out.push(
      { name: `cls_${stride}`, dims: [1, cells, 1], data: cls },
      { name: `obj_${stride}`, dims: [1, cells, 1], data: obj },
    );
    out.push(
      { name: `bbox_${stride}`, dims: [1, cells, 4], data: bbox },
      { name: `kps_${stride}`, dims: [1, cells, 10], data: kps },
    );
  }
  return out;
}

describe('YuNet decoding', () => {
  afterAll(() => closeAllSessions());

  it('decodes cell-corner anchors, exp sizes, five landmarks and score sqrt(cls·obj)', () => {
    const h = heads();
    const get = (n: string) => Float32Array.from(h.find((o) => o.name === n)!.data);
    const levels = [8, 16, 32].map((s) => ({
      stride: s,
      cls: get(`cls_${s}`),
      obj: get(`obj_${s}`),
      bbox: get(`bbox_${s}`),
      kps: get(`kps_${s}`),
    }));
    const [face, ...rest] = decodeYunet(levels, { width: SIZE, height: SIZE }, 0.5);
    expect(rest).toHaveLength(0);
    expect(face!.score).toBeCloseTo(0.9, 6);
    // anchor (8, 16); centre (8 + 4, 16 + 2); size (16, 12)
    expect(face!.box).toEqual([4, 12, 20, 24].map((v) => expect.closeTo(v, 4)));
    expect(face!.keypoints).toEqual(
      [
        [8, 16],
        [16, 16],
        [12, 20],
        [8, 24],
        [16, 24],
      ].map(([x, y]) => [expect.closeTo(x!, 4), expect.closeTo(y!, 4)]),
    );
  });

  it('runs a model with YuNet outputs end to end (source pixels through the letterbox)', async () => {
    const path = writeFixedOutputModel(
      join(mkdtempSync(join(tmpdir(), 'wp-yunet-')), 'yunet.onnx'),
      'input',
      [1, 3, SIZE, SIZE],
      heads(),
    );
    const detector = new YunetDetector(await openSession(path, { threads: 1 }), SIZE);
    const img = { width: 64, height: 32, data: Buffer.alloc(64 * 32 * 3) }; // scale 2, top-left
    const [face] = await detector.detect(img, { minScore: 0.5 });
    expect(face!.box).toEqual([8, 24, 40, 48].map((v) => expect.closeTo(v, 4)));
    expect(face!.keypoints[2]).toEqual([expect.closeTo(24, 4), expect.closeTo(40, 4)]);
  });

  it.skipIf(!hasShared)('finds the faces of a real photo with the real YuNet (optional: ../shared/data)', async () => {
    const detector = new YunetDetector(
      await openSession(join(SHARED, 'models/yunet_n_640_640.onnx'), { threads: 1 }),
      640,
    );
    const img = await decodeImage(join(SHARED, 'faces/obama/obama.jpg'));
    const faces = await detector.detect(img, { minScore: 0.6 });
    expect(faces.length).toBeGreaterThanOrEqual(1);
    const f = faces[0]!;
    // eyes above the nose above the mouth, all inside the box
    const [le, re, nose, lm, rm] = f.keypoints;
    expect(le![0]).toBeLessThan(re![0]);
    expect(nose![1]).toBeGreaterThan(le![1]);
    expect(lm![1]).toBeGreaterThan(nose![1]);
    expect(rm![0]).toBeGreaterThan(lm![0]);
    for (const [x, y] of f.keypoints) {
      expect(x).toBeGreaterThan(f.box[0]);
      expect(x).toBeLessThan(f.box[2]);
      expect(y).toBeGreaterThan(f.box[1]);
      expect(y).toBeLessThan(f.box[3]);
    }
  });
});
if (!hasShared) console.log('yunet.test: ../shared/data absent: skipping the real-model test');
