// The benchmark's reference: the same models on @tensorflow/tfjs-backend-wasm, what users
// of @vladmandic/human and face-api run in Node when tfjs-node cannot install. In a worker
// so the module hook that lets face-api's ESM build load (it imports the full tfjs bundle)
// applies, and plain JavaScript because workers do not inherit the tsx loader.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { hookTfjsForFaceApi, packageDir } from '../models/faceapi/tfjs-module-hook.mjs';

const require = createRequire(import.meta.url);
hookTfjsForFaceApi();

const tf = require('@tensorflow/tfjs-core');
const converter = require('@tensorflow/tfjs-converter');
const wasm = require('@tensorflow/tfjs-backend-wasm');
wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js WASM backend did not initialise');
await tf.ready();

const faceDir = packageDir('@vladmandic/face-api');
const faceapi = await import(pathToFileURL(join(faceDir, 'dist', 'face-api.esm-nobundle.js')).href);
const FACEAPI_MANIFESTS = {
  faceLandmark68Net: 'face_landmark_68_model-weights_manifest.json',
  faceRecognitionNet: 'face_recognition_model-weights_manifest.json',
};

function readWeights(dir, manifest) {
  const bytes = Buffer.concat(manifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

const runners = new Map();

/** A function running one inference of `model` on input x (a tensor) to completion. */
async function runner(model) {
  if (runners.has(model)) return runners.get(model);
  let run;
  if (model in FACEAPI_MANIFESTS) {
    const dir = join(faceDir, 'model');
    const manifest = JSON.parse(readFileSync(join(dir, FACEAPI_MANIFESTS[model]), 'utf8'));
    faceapi.nets[model].loadFromWeightMap(
      tf.io.decodeWeights(
        readWeights(dir, manifest),
        manifest.flatMap((g) => g.weights),
      ),
    );
    run = async (x) => {
      const y = await faceapi.nets[model].forward(tf.unstack(x));
      await y.data();
      tf.dispose(y);
    };
  } else {
    const path = join(packageDir('@vladmandic/human'), 'models', `${model}.json`);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const graph = await converter.loadGraphModel({
      load: async () => ({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: readWeights(dirname(path), json.weightsManifest),
        format: json.format,
        signature: json.signature,
      }),
    });
    // human runs CenterNet for its detections output only
    const outputs = model === 'centernet' ? ['tower_0/detections'] : undefined;
    run = async (x) => {
      const y = graph.execute(x, outputs);
      const list = Array.isArray(y) ? y : [y];
      await Promise.all(list.map((t) => t.data()));
      tf.dispose(list);
    };
  }
  runners.set(model, run);
  return run;
}

parentPort.on('message', async ({ id, model, data, shape, warmup, runs }) => {
  try {
    const run = await runner(model);
    const x = tf.tensor(data, shape, 'float32');
    for (let i = 0; i < warmup; i++) await run(x);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await run(x);
      times.push(performance.now() - t0);
    }
    tf.dispose(x);
    parentPort.postMessage({ id, times });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.stack ?? err) });
  }
});
parentPort.postMessage({ ready: true });
