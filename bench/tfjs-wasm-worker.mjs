// The benchmark's reference: the same models on @tensorflow/tfjs-backend-wasm, what users
// of @vladmandic/human and face-api run in Node when tfjs-node cannot install. In a worker
// so the module hook that lets face-api's ESM build load (it imports the full tfjs bundle)
// applies, and plain JavaScript because workers do not inherit the tsx loader.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const packageDir = (name) => {
  for (const base of require.resolve.paths(name) ?? []) if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  throw new Error(`npm package ${name} is not installed`);
};
const fileUrl = (specifier) => pathToFileURL(require.resolve(specifier)).href;

// face-api's nobundle build imports '@tensorflow/tfjs' (not installed: core + converter are)
// and uses the chained tensor API that only the full bundle installs.
const tfjsShim = `import * as core from ${JSON.stringify(fileUrl('@tensorflow/tfjs-core'))};
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
    faceapi.nets[model].loadFromWeightMap(tf.io.decodeWeights(readWeights(dir, manifest), manifest.flatMap((g) => g.weights)));
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
