// face-api itself on TF.js, run in a worker thread as the reference for parity tests.
// face-api's ESM build imports the full `@tensorflow/tfjs` bundle plus the WebGL and WASM
// backends; a module hook points those imports at tfjs-core + tfjs-converter + the CPU
// backend (dev dependencies), so face-api's own code runs unmodified. A worker (not the
// test's own context) because test runners evaluate modules where the hook cannot apply.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const packageDir = (name) => {
  for (const base of require.resolve.paths(name) ?? []) if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  throw new Error(`npm package ${name} is not installed`);
};
const fileUrl = (specifier) => pathToFileURL(require.resolve(specifier)).href;

// The full tfjs bundle also installs the chained API (x.mul(y), x.as3D(...)) that face-api
// uses; tfjs-core's Node build does not, so it is added here the way tfjs defines it.
const tfjsShim = `import * as core from ${JSON.stringify(fileUrl('@tensorflow/tfjs-core'))};
import ${JSON.stringify(fileUrl('@tensorflow/tfjs-backend-cpu'))};
export * from ${JSON.stringify(fileUrl('@tensorflow/tfjs-core'))};
export * from ${JSON.stringify(fileUrl('@tensorflow/tfjs-converter'))};
const proto = core.Tensor.prototype;
for (const [name, op] of Object.entries(core)) {
  if (typeof op === 'function' && /^[a-z]/.test(name) && !(name in proto)) proto[name] = function (...args) { return op(this, ...args); };
}
proto.as1D = function () { return core.reshape(this, [this.size]); };
proto.as2D = function (r, c) { return core.reshape(this, [r, c]); };
proto.as3D = function (r, c, d) { return core.reshape(this, [r, c, d]); };
proto.as4D = function (r, c, d, e) { return core.reshape(this, [r, c, d, e]); };
proto.asType = function (dtype) { return core.cast(this, dtype); };
proto.toFloat = function () { return core.cast(this, 'float32'); };`;
const targets = {
  '@tensorflow/tfjs/dist/index.js': `data:text/javascript,${encodeURIComponent(tfjsShim)}`,
  '@tensorflow/tfjs-backend-webgl/dist/index.js': 'data:text/javascript,export {};',
  '@tensorflow/tfjs-backend-wasm/dist/index.js': 'data:text/javascript,export {};',
};
register(
  `data:text/javascript,${encodeURIComponent(`const targets = ${JSON.stringify(targets)};
export async function resolve(specifier, context, next) {
  return targets[specifier] ? { url: targets[specifier], shortCircuit: true } : next(specifier, context);
}`)}`,
);

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
  faceapi.nets[name].loadFromWeightMap(faceapi.tf.io.decodeWeights(buffer, manifest.flatMap((g) => g.weights)));
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
