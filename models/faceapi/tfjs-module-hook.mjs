// face-api's ESM build imports the full `@tensorflow/tfjs` bundle plus the WebGL and WASM
// backends. This module hook points those imports at tfjs-core + tfjs-converter (dev
// dependencies), so face-api's own code runs unmodified on the backend the caller picks.
// Used by the parity tests' reference and the benchmark's tfjs-wasm baseline, in workers
// (plain JavaScript: workers do not inherit the tsx loader).
import { existsSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export const packageDir = (name) => {
  for (const base of require.resolve.paths(name) ?? [])
    if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  throw new Error(`npm package ${name} is not installed`);
};
const fileUrl = (specifier) => pathToFileURL(require.resolve(specifier)).href;

/** Installs the hook; `alsoImport` are modules the shim loads first (e.g. a backend). */
export function hookTfjsForFaceApi({ alsoImport = [] } = {}) {
  // The full tfjs bundle also installs the chained API (x.mul(y), x.as3D(...)) that face-api
  // uses; tfjs-core's Node build does not, so it is added here the way tfjs defines it.
  const tfjsShim = `import * as core from ${JSON.stringify(fileUrl('@tensorflow/tfjs-core'))};
${alsoImport.map((m) => `import ${JSON.stringify(fileUrl(m))};`).join('\n')}
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
}
