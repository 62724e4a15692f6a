import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllSessions, openSession } from '../session.js';
import { writeFixedOutputModel, type FixedOutput } from '../../test/models/fixed-output-model.js';
import { decodeScrfd, ScrfdDetector, scrfdLevels } from './scrfd.js';

const SIZE = 32;
/**
 * insightface's layout for a 32 px input, 2 anchors per cell: scores [N,1] for strides
 * 8/16/32 (32, 8, 2 rows), then boxes [N,4], then landmarks [N,10]; numeric names.
 * One face on the second anchor of stride-16 cell (gx 1, gy 0), row 3.
 */
function heads(): FixedOutput[] {
  const rows = [32, 8, 2];
  const scores = rows.map((n) => new Float32Array(n));
  const boxes = rows.map((n) => new Float32Array(n * 4));
  const kps = rows.map((n) => new Float32Array(n * 10));
  scores[1]![3] = 0.8;
  boxes[1]!.set([0.5, 0.25, 0.5, 1], 3 * 4);
  kps[1]!.set([-0.25, 0.25, 0.25, 0.25, 0, 0.5, -0.25, 0.75, 0.25, 0.75], 3 * 10);
  let name = 440;
  const out: FixedOutput[] = [];
  for (const [i, n] of rows.entries()) out.push({ name: String(name++), dims: [n, 1], data: scores[i]! });
  for (const [i, n] of rows.entries()) out.push({ name: String(name++), dims: [n, 4], data: boxes[i]! });
  for (const [i, n] of rows.entries()) out.push({ name: String(name++), dims: [n, 10], data: kps[i]! });
  return out;
}

describe('SCRFD decoding', () => {
  afterAll(() => closeAllSessions());

  it('groups outputs by kind and stride, and decodes distances and landmark offsets in strides', () => {
    const levels = scrfdLevels(heads().map((h) => ({ data: Float32Array.from(h.data), dims: h.dims })));
    expect(levels.map((l) => [l.stride, l.scores.length])).toEqual([
      [8, 32],
      [16, 8],
      [32, 2],
    ]);
    const [face, ...rest] = decodeScrfd(levels, { width: SIZE, height: SIZE }, 0.5);
    expect(rest).toHaveLength(0);
    // anchor (16, 0); box (16 - 8, 0 - 4, 16 + 8, 0 + 16)
    expect(face!.box).toEqual([8, -4, 24, 16]);
    expect(face!.keypoints).toEqual([
      [12, 4],
      [20, 4],
      [16, 8],
      [12, 12],
      [20, 12],
    ]);
  });

  it('refuses outputs that are not score/box/landmark triples', () => {
    expect(() => scrfdLevels([{ data: new Float32Array(4), dims: [4, 1] }])).toThrow(/SCRFD outputs must be/);
  });

  it('runs a model with SCRFD outputs end to end', async () => {
    const path = writeFixedOutputModel(
      join(mkdtempSync(join(tmpdir(), 'wp-scrfd-')), 'scrfd.onnx'),
      'input.1',
      [1, 3, SIZE, SIZE],
      heads(),
    );
    const detector = new ScrfdDetector(await openSession(path, { threads: 1 }), SIZE);
    const img = { width: 96, height: 48, data: Buffer.alloc(96 * 48 * 3) }; // scale 3, top-left
    const [face] = await detector.detect(img, { minScore: 0.5 });
    expect(face!.box).toEqual([24, -12, 72, 48]);
    expect(face!.keypoints[2]).toEqual([48, 24]);
  });
});
