// face-api itself on TF.js, run in a worker thread as the reference for parity tests.
// face-api's ESM build imports the full `@tensorflow/tfjs` bundle plus the WebGL and WASM
// backends; a module hook points those imports at tfjs-core + tfjs-converter + the CPU
// backend (dev dependencies), so face-api's own code runs unmodified. A worker (not the
// test's own context) because test runners evaluate modules where the hook cannot apply.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { hookTfjsForFaceApi, packageDir } from '../../models/faceapi/tfjs-module-hook.mjs';

hookTfjsForFaceApi({ alsoImport: ['@tensorflow/tfjs-backend-cpu'] });

const faceDir = packageDir('@vladmandic/face-api');
const faceapi = await import(pathToFileURL(join(faceDir, 'dist', 'face-api.esm-nobundle.js')).href);
await faceapi.tf.setBackend('cpu');
await faceapi.tf.ready();

const MANIFESTS = {
  faceLandmark68Net: 'face_landmark_68_model-weights_manifest.json',
  faceRecognitionNet: 'face_recognition_model-weights_manifest.json',
};
const loaded = new Set();

function loadNet(name) {
  if (loaded.has(name)) return;
  const dir = join(faceDir, 'model');
  const manifest = JSON.parse(readFileSync(join(dir, MANIFESTS[name]), 'utf8'));
  const bytes = Buffer.concat(manifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  faceapi.nets[name].loadFromWeightMap(
    faceapi.tf.io.decodeWeights(
      buffer,
      manifest.flatMap((g) => g.weights),
    ),
  );
  loaded.add(name);
}

parentPort.on('message', async ({ id, net, data, shape }) => {
  try {
    loadNet(net);
    const x = faceapi.tf.tensor(data, shape, 'float32');
    // face-api takes a batch as a list of images (a 4-D tensor must have batch 1).
    const images = faceapi.tf.unstack(x);
    const y = await faceapi.nets[net].forward(images);
    const out = Float32Array.from(y.dataSync());
    faceapi.tf.dispose([x, y, ...images]);
    parentPort.postMessage({ id, data: out, shape: y.shape }, [out.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.stack ?? err) });
  }
});
