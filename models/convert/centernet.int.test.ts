import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../prepare/package-dir.js';
import { maxDeviation, PARITY_TOLERANCE } from '../../test/models/parity.js';
import { samplePhotoPixels } from '../../test/models/sample-photos.js';
import { loadTfjsGraphModel, runTfjs } from '../../test/models/tfjs-reference.js';
import { convertTfjsGraphFile } from './tfjs-to-onnx.js';

const modelJson = join(packageDir('@vladmandic/human'), 'models', 'centernet.json');
const PERSON = 0;

describe('CenterNet conversion', () => {
  it('matches TF.js on real photos (raw 0..255 RGB input, as human feeds it)', async () => {
    const converted = await convertTfjsGraphFile(modelJson, 'centernet');
    expect(converted.inputs).toEqual([{ name: 'tower_0/images', dtype: 'float32', shape: [1, 512, 512, 3] }]);
    const names = converted.outputs.map((o) => o.name);
    expect([...names].sort()).toEqual(['tower_0/detections', 'tower_0/keypoints', 'tower_0/wh']);
    const session = await ort.InferenceSession.create(converted.bytes, { graphOptimizationLevel: 'all' });
    const tfModel = await loadTfjsGraphModel(modelJson);
    for (const photo of [1, 3]) {
      const input = await samplePhotoPixels(photo, 512);
      const onnx = await session.run({ 'tower_0/images': new ort.Tensor('float32', input, [1, 512, 512, 3]) });
      const ref = runTfjs(tfModel, input, [1, 512, 512, 3], names);
      for (const name of names) {
        expect(onnx[name]!.dims).toEqual(ref.get(name)!.shape);
        const dev = maxDeviation(onnx[name]!.data as Float32Array, ref.get(name)!.data);
        console.log(
          `centernet sample${photo} ${name} ${JSON.stringify(onnx[name]!.dims)} max deviation ${dev.toExponential(2)}`,
        );
        expect(dev).toBeLessThanOrEqual(PARITY_TOLERANCE);
      }
      // The photos show people: a person is among the five best detections, with a real score.
      const det = onnx['tower_0/detections']!.data as Float32Array;
      const top = Array.from({ length: 5 }, (_, i) => ({ score: det[i * 6 + 4]!, cls: det[i * 6 + 5]! }));
      expect(top.some((d) => d.cls === PERSON && d.score > 0.3)).toBe(true);
    }
  }, 300_000); // TF.js on its pure-JS CPU backend is slow, more so on a busy machine
});
