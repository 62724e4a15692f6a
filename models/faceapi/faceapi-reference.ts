/**
 * face-api itself on TF.js, as the reference for parity tests. face-api's ESM build
 * imports the full `@tensorflow/tfjs` bundle plus the WebGL and WASM backends; a
 * Node module hook points those imports at tfjs-core + tfjs-converter + the CPU
 * backend (dev dependencies) so the real face-api code runs unmodified.
 */
import { readFile } from 'node:fs/promises';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageDir } from '../prepare/package-dir.js';
import type { WeightsManifestGroup } from '../convert/tfjs-weights.js';

const require = createRequire(import.meta.url);
const fileUrl = (specifier: string) => pathToFileURL(require.resolve(specifier)).href;

/* eslint-disable @typescript-eslint/no-explicit-any -- face-api's nobundle build ships no usable types here */
type FaceApi = any;
let loaded: Promise<FaceApi> | undefined;

function hookTfjsImports(): void {
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
  const targets: Record<string, string> = {
    '@tensorflow/tfjs/dist/index.js': `data:text/javascript,${encodeURIComponent(tfjsShim)}`,
    '@tensorflow/tfjs-backend-webgl/dist/index.js': 'data:text/javascript,export {};',
    '@tensorflow/tfjs-backend-wasm/dist/index.js': 'data:text/javascript,export {};',
  };
  const hooks = `const targets = ${JSON.stringify(targets)};
export async function resolve(specifier, context, next) {
  return targets[specifier] ? { url: targets[specifier], shortCircuit: true } : next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

/** face-api's module, on the TF.js CPU backend. */
export function loadFaceApi(): Promise<FaceApi> {
  loaded ??= (async () => {
    hookTfjsImports();
    const faceapi = await import(pathToFileURL(join(packageDir('@vladmandic/face-api'), 'dist', 'face-api.esm-nobundle.js')).href);
    await faceapi.tf.setBackend('cpu');
    await faceapi.tf.ready();
    return faceapi;
  })();
  return loaded;
}

/** Loads one of face-api's nets (e.g. faceapi.nets.faceLandmark68Net) from the package's manifest + shards. */
export async function loadFaceApiNet(net: any, manifestFile: string): Promise<void> {
  const faceapi = await loadFaceApi();
  const dir = join(packageDir('@vladmandic/face-api'), 'model');
  const manifest = JSON.parse(await readFile(join(dir, manifestFile), 'utf8')) as WeightsManifestGroup[];
  const buffers = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const bytes = Buffer.concat(buffers);
  const weightMap = faceapi.tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), manifest.flatMap((g) => g.weights));
  net.loadFromWeightMap(weightMap);
}
