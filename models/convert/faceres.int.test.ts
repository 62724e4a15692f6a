import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../prepare/package-dir.js';
import { maxDeviation, PARITY_TOLERANCE } from '../../test/models/parity.js';
import { samplePhotoPixels } from '../../test/models/sample-photos.js';
import { loadTfjsGraphModel, runTfjs } from '../../test/models/tfjs-reference.js';
import { convertTfjsGraphFile } from './tfjs-to-onnx.js';

const modelJson = join(packageDir('@vladmandic/human'), 'models', 'faceres.json');

describe('faceres conversion', () => {
  it('matches TF.js on real photos, batch of two (raw 0..255 RGB input, as human feeds it)', async () => {
    const converted = await convertTfjsGraphFile(modelJson, 'faceres');
    expect(converted.inputs).toEqual([{ name: 'input_1', dtype: 'float32', shape: ['batch', 224, 224, 3] }]);
    const names = converted.outputs.map((o) => o.name);
    expect([...names].sort()).toEqual(['age_pred/Softmax:0', 'gender_pred/Sigmoid:0', 'global_pooling/Mean']);
    const session = await ort.InferenceSession.create(converted.bytes, { graphOptimizationLevel: 'all' });
    const tfModel = await loadTfjsGraphModel(modelJson);
    const batch = new Float32Array(2 * 224 * 224 * 3);
    batch.set(await samplePhotoPixels(2, 224), 0);
    batch.set(await samplePhotoPixels(4, 224), 224 * 224 * 3);
    const onnx = await session.run({ input_1: new ort.Tensor('float32', batch, [2, 224, 224, 3]) });
    const ref = runTfjs(tfModel, batch, [2, 224, 224, 3], names);
    for (const name of names) {
      expect(onnx[name]!.dims).toEqual(ref.get(name)!.shape);
      expect(onnx[name]!.dims[0]).toBe(2);
      const dev = maxDeviation(onnx[name]!.data as Float32Array, ref.get(name)!.data);
      console.log(`faceres ${name} ${JSON.stringify(onnx[name]!.dims)} max deviation ${dev.toExponential(2)}`);
      expect(dev).toBeLessThanOrEqual(PARITY_TOLERANCE);
    }
  }, 180_000); // TF.js on its pure-JS CPU backend is slow, more so on a busy machine
});
