import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../image.js';
import { closeAllSessions, openSession } from '../session.js';
import { writeFixedOutputModel } from '../../test/models/fixed-output-model.js';
import { decodeYolox, YoloxDetector } from './yolox.js';

const SIZE = 64;
// strides 8/16/32 on 64 px: 64 + 16 + 4 = 84 cells
const CELLS = 84;
const ROW = 7; // x, y, w, h, obj, person, car
const head = new Float32Array(CELLS * ROW);
// stride-16 cell (gx 1, gy 2) is row 64 + 2*4 + 1 = 73
head.set([0.5, 0.5, Math.log(2), Math.log(3), 0.9, 0.8, 0.1], 73 * ROW);
// stride-8 cell (gx 0, gy 0): a car
head.set([0.5, 0.5, 0, 0, 0.9, 0.1, 0.9], 0);

const SHARED = '/work/shared/data';
const hasShared = existsSync(join(SHARED, 'models/yolox_nano_416x416.onnx'));

describe('YOLOX decoding', () => {
  afterAll(() => closeAllSessions());

  it('decodes grid offsets and log sizes per stride; score = objectness x class', () => {
    const out = decodeYolox(head, [1, CELLS, ROW], { width: SIZE, height: SIZE }, 0, 0.3);
    expect(out).toHaveLength(1);
    // centre ((1 + 0.5)·16, (2 + 0.5)·16) = (24, 40); size (2·16, 3·16)
    expect(out[0]!.box).toEqual([8, 16, 40, 64].map((v) => expect.closeTo(v, 4)));
    expect(out[0]!.score).toBeCloseTo(0.72, 6);
    expect(() => decodeYolox(head, [1, 80, ROW], { width: SIZE, height: SIZE }, 0, 0.3)).toThrow(
      /\[1, 84, 5\+classes\]/,
    );
  });

  it('runs a model of that layout end to end through the top-left letterbox', async () => {
    const path = writeFixedOutputModel(
      join(mkdtempSync(join(tmpdir(), 'wp-yolox-')), 'yolox.onnx'),
      'images',
      [1, 3, SIZE, SIZE],
      [{ name: 'output', dims: [1, CELLS, ROW], data: head }],
    );
    const detector = new YoloxDetector(await openSession(path, { threads: 1 }), SIZE);
    const img = { width: 128, height: 96, data: Buffer.alloc(128 * 96 * 3) }; // scale 2, no offset
    const [p] = await detector.detect(img, { minScore: 0.3 });
    expect(p!.box).toEqual([16, 32, 80, 128].map((v) => expect.closeTo(v, 4)));
  });

  it.skipIf(!hasShared)(
    'finds the person in darknet person.jpg with the real YOLOX-nano (optional: ../shared/data)',
    async () => {
      const detector = new YoloxDetector(
        await openSession(join(SHARED, 'models/yolox_nano_416x416.onnx'), { threads: 1 }),
        416,
      );
      const img = await decodeImage(join(SHARED, 'footage/darknet_person.jpg'));
      const people = await detector.detect(img, { minScore: 0.4 });
      expect(people.length).toBeGreaterThanOrEqual(1);
      const [x1, y1, x2, y2] = people[0]!.box;
      // the standing person is left of centre and tall (image 640x424)
      expect((x1 + x2) / 2).toBeGreaterThan(150);
      expect((x1 + x2) / 2).toBeLessThan(300);
      expect(y2 - y1).toBeGreaterThan(200);
    },
  );
});
if (!hasShared) console.log('yolox.test: ../shared/data absent: skipping the real-model test');
