import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllSessions, openSession } from '../session.js';
import { writeFixedOutputModel } from '../../test/models/fixed-output-model.js';
import { decodeRetinaface, RetinafaceDetector, retinafacePriors } from './retinaface.js';

const SIZE = 32;
// priors for 32 px: 4x4 cells x 2 (stride 8) + 2x2 x 2 (16) + 1 x 2 (32) = 42
const N = 42;
const loc = new Float32Array(N * 4),
  conf = new Float32Array(N * 2),
  landms = new Float32Array(N * 10);
for (let i = 0; i < N; i++) conf[i * 2] = 1;
// prior 33: stride 16, cell (gx 0, gy 0), second size (32): centre (8, 8), size 32
conf.set([0.1, 0.9], 33 * 2);
loc.set([0.5, -0.5, Math.log(0.5) / 0.2, 0], 33 * 4);
landms.set([-1, -1, 1, -1, 0, 0, -1, 1, 1, 1], 33 * 10);

describe('RetinaFace decoding', () => {
  afterAll(() => closeAllSessions());

  it('builds priors per stride and size in network order', () => {
    const p = retinafacePriors(SIZE, SIZE);
    expect(p.length / 4).toBe(N);
    expect(Array.from(p.slice(0, 8))).toEqual([4, 4, 16, 16, 4, 4, 32, 32]);
    expect(Array.from(p.slice(33 * 4, 34 * 4))).toEqual([8, 8, 128, 128]);
  });

  it('decodes SSD box coding with variances 0.1/0.2 and landmarks against priors', () => {
    const priors = retinafacePriors(SIZE, SIZE);
    const [face, ...rest] = decodeRetinaface(loc, conf, landms, priors, 0.5);
    expect(rest).toHaveLength(0);
    expect(face!.score).toBeCloseTo(0.9, 6);
    // prior 33 is (8, 8, 128, 128): centre (8 + 0.5·0.1·128, 8 − 0.5·0.1·128) = (14.4, 1.6); w = 128·0.5, h = 128
    expect(face!.box).toEqual([14.4 - 32, 1.6 - 64, 14.4 + 32, 1.6 + 64].map((v) => expect.closeTo(v, 4)));
    expect(face!.keypoints[0]).toEqual([expect.closeTo(8 - 12.8, 4), expect.closeTo(8 - 12.8, 4)]);
    expect(() => decodeRetinaface(loc.slice(4), conf, landms, priors, 0.5)).toThrow(/priors expected/);
  });

  it('runs a model with RetinaFace outputs end to end', async () => {
    const path = writeFixedOutputModel(
      join(mkdtempSync(join(tmpdir(), 'wp-retina-')), 'retinaface.onnx'),
      'input',
      [1, 3, SIZE, SIZE],
      [
        { name: 'loc', dims: [1, N, 4], data: loc },
        { name: 'conf', dims: [1, N, 2], data: conf },
        { name: 'landms', dims: [1, N, 10], data: landms },
      ],
    );
    const detector = new RetinafaceDetector(await openSession(path, { threads: 1 }), SIZE);
    const img = { width: 64, height: 64, data: Buffer.alloc(64 * 64 * 3) }; // scale 2
    const [face] = await detector.detect(img, { minScore: 0.5 });
    expect(face!.box).toEqual(
      [(14.4 - 32) * 2, (1.6 - 64) * 2, (14.4 + 32) * 2, (1.6 + 64) * 2].map((v) => expect.closeTo(v, 3)),
    );
  });
});
