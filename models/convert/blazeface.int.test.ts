import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../prepare/package-dir.js';
import { maxDeviation, PARITY_TOLERANCE } from '../../test/models/parity.js';
import { samplePhotoPixels } from '../../test/models/sample-photos.js';
import { loadTfjsGraphModel, runTfjs } from '../../test/models/tfjs-reference.js';
import { convertTfjsGraphFile } from './tfjs-to-onnx.js';

const modelJson = join(packageDir('@vladmandic/human'), 'models', 'blazeface.json');

describe('BlazeFace conversion', () => {
  it('matches TF.js on real photos (input in [-1, 1], as human feeds it)', async () => {
    const converted = await convertTfjsGraphFile(modelJson, 'blazeface');
    expect(converted.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [1, 256, 256, 3] }]);
    const names = converted.outputs.map((o) => o.name);
    expect(names.sort()).toEqual(['Identity', 'Identity_1', 'Identity_2', 'Identity_3']);
    const session = await ort.InferenceSession.create(converted.bytes, { graphOptimizationLevel: 'all' });
    const tfModel = await loadTfjsGraphModel(modelJson);
    for (const photo of [1, 2]) {
      const pixels = await samplePhotoPixels(photo, 256);
      const input = pixels.map((v) => v / 127.5 - 1);
      const onnx = await session.run({ input: new ort.Tensor('float32', input, [1, 256, 256, 3]) });
      const ref = runTfjs(tfModel, input, [1, 256, 256, 3], names);
      for (const name of names) {
        expect(onnx[name]!.dims).toEqual(ref.get(name)!.shape);
        const dev = maxDeviation(onnx[name]!.data as Float32Array, ref.get(name)!.data);
        console.log(
          `blazeface sample${photo} ${name} ${JSON.stringify(onnx[name]!.dims)} max deviation ${dev.toExponential(2)}`,
        );
        expect(dev).toBeLessThanOrEqual(PARITY_TOLERANCE);
      }
    }
  }, 180_000); // TF.js on its pure-JS CPU backend is slow, more so on a busy machine
});
