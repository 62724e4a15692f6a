import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllSessions, openSession } from '../session.js';
import { writeFixedOutputModel } from '../../test/models/fixed-output-model.js';
import { decodeYolo, YoloDetector } from './yolo.js';

const SIZE = 64;
const N = 5;
/** Predictions as rows (cx, cy, w, h, person, car), transposed into YOLOv8's [1, 6, N]. */
const predictions = [
  [32, 32, 16, 24, 0.9, 0.1], // person
  [33, 32, 16, 24, 0.8, 0.1], // same person
  [10, 10, 8, 8, 0.05, 0.95], // a car
  [50, 50, 8, 8, 0.1, 0.0], // weak
  [8, 40, 10, 20, 0.6, 0.0], // second person
];
const head = Float32Array.from({ length: 6 * N }, (_, i) => predictions[i % N]![Math.floor(i / N)]!);

describe('YOLOv8/YOLO11 decoding', () => {
  afterAll(() => closeAllSessions());

  it('decodes [1, 4+C, N] into person boxes, suppressing duplicates', () => {
    const out = decodeYolo(head, [1, 6, N], 0, 0.3);
    expect(out.map((p) => p.box)).toEqual([
      [24, 20, 40, 44],
      [3, 30, 13, 50],
    ]);
    expect(decodeYolo(head, [1, 6, N], 1, 0.3).map((p) => p.box)).toEqual([[6, 6, 14, 14]]);
  });

  it('refuses a layout that is not [1, 4+C, N]', () => {
    expect(() => decodeYolo(head, [1, 30], 0, 0.3)).toThrow(/\[1, 4\+classes, N\]/);
    expect(() => decodeYolo(head, [1, 6, N], 2, 0.3)).toThrow(/class 2 does not exist/);
  });

  it('runs a model of that layout end to end, boxes in source pixels through the centred letterbox', async () => {
    const path = writeFixedOutputModel(
      join(mkdtempSync(join(tmpdir(), 'wp-yolo-')), 'yolo.onnx'),
      'images',
      [1, 3, SIZE, SIZE],
      [{ name: 'output0', dims: [1, 6, N], data: head }],
    );
    const detector = new YoloDetector(await openSession(path, { threads: 1 }), SIZE);
    // 128x64 source: scale 2, 16 model rows of bar on top -> source = (2x, 2y - 32)
    const img = { width: 128, height: 64, data: Buffer.alloc(128 * 64 * 3, 90) };
    const people = await detector.detect(img, { minScore: 0.3 });
    expect(people.map((p) => p.box)).toEqual([
      [48, 8, 80, 56],
      [6, 28, 26, 68],
    ]);
    expect(people[0]!.score).toBeCloseTo(0.9, 6);
  });
});
