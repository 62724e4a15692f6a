import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convertTfjsGraph } from '../convert/tfjs-to-onnx.js';
import type { TfjsGraphModelJson } from '../convert/tfjs-graph.js';
import { decodeWeights, readShards } from '../convert/tfjs-weights.js';
import { CENTERNET_WIDE } from '../families/centernet.js';
import { widenCenternet } from './centernet-wide.js';
import { packageDir } from './package-dir.js';

const dir = join(packageDir('@vladmandic/human'), 'models');
async function load() {
  const model = JSON.parse(await readFile(join(dir, 'centernet.json'), 'utf8')) as TfjsGraphModelJson;
  return { model, weights: decodeWeights(model.weightsManifest, await readShards(model.weightsManifest, dir)) };
}

describe('widenCenternet', () => {
  it('turns the frozen 512x512 graph into one that runs on 512x288 and keeps 100 detections', async () => {
    const { model, weights } = await load();
    widenCenternet(model, weights);
    const built = convertTfjsGraph(model, weights, 'centernetWide');
    expect(built.inputs[0]!.shape).toEqual([1, CENTERNET_WIDE.height, CENTERNET_WIDE.width, 3]);
    const session = await ort.InferenceSession.create(built.bytes);
    const out = await session.run({
      'tower_0/images': new ort.Tensor('float32', new Float32Array(288 * 512 * 3).fill(90), [1, 288, 512, 3]),
    });
    expect(out['tower_0/wh']!.dims).toEqual([1, 72, 128, 4]);
    expect(out['tower_0/detections']!.dims).toEqual([1, 100, 6]);
    // Row and column of every detection lie inside the 288x512 input.
    const det = out['tower_0/detections']!.data as Float32Array;
    for (let i = 0; i < 100; i++) {
      const cy = (det[i * 6 + 1]! + det[i * 6 + 3]!) / 2;
      expect(cy).toBeGreaterThan(-64);
      expect(cy).toBeLessThan(288 + 64);
    }
  }, 120_000);

  it('refuses a height the network cannot take, and a graph whose constants are not the expected ones', async () => {
    const { model, weights } = await load();
    expect(() => widenCenternet(model, weights, 300)).toThrow(/not a positive multiple of 32/);
    weights.get('tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul')!.data.set([60, 64]);
    expect(() => widenCenternet(model, weights)).toThrow(/up_sampling2d_1\/mul is not \[64,64\]/);
  });
});
