/**
 * The model cache: converts a built-in model once into `<cacheDir>/<name>.onnx` and
 * records it in `manifest.json`; later calls only check the cache and return.
 *
 * Validity check, cheap enough to run at every process start: same converter version,
 * same installed source package version, same source file sizes, and the ONNX file's
 * size and modification time as recorded. When size or time differ (a truncated or
 * edited file, or a copy) the file's sha256 decides; `verify: true` always hashes.
 * The sources' own sha256 are recorded at build time but not recomputed (the package
 * version stands in for them). A stale or corrupt entry is rebuilt.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Config } from '../../pipeline/config/index.js';
import type { Logger } from '../../runtime/logger.js';
import type { BuiltModel } from '../onnx/built-model.js';
import { withCacheLock } from './cache-lock.js';
import { CONVERTER_VERSION, readManifest, writeManifest, type ManifestEntry } from './cache-manifest.js';
import { MODEL_NAMES, MODEL_SOURCES, type ModelName } from './model-sources.js';
import { packageDir, packageVersion } from './package-dir.js';

export interface ModelTensor {
  name: string;
  /** Numbers, or 'batch' for the dynamic batch dimension. */
  shape: (number | string)[];
}

export interface PreparedModel {
  name: ModelName;
  /** Absolute path of the .onnx file. */
  path: string;
  inputs: ModelTensor[];
  outputs: ModelTensor[];
  sha256: string;
  source: { package: string; version: string };
  /** True when the cache was valid and nothing was built. */
  cached: boolean;
}

export type PrepareStage = 'checking' | 'converting' | 'verifying' | 'ready';

export interface PrepareProgress {
  model: ModelName;
  stage: PrepareStage;
  /** Set with stage 'ready'. */
  prepared?: PreparedModel;
}

export interface PrepareOptions {
  cacheDir: string;
  log?: Logger;
  onProgress?: (progress: PrepareProgress) => void;
  /** Rebuild even when the cache is valid. */
  force?: boolean;
  /** Hash every cached ONNX file instead of trusting an unchanged size and modification time. */
  verify?: boolean;
}

/** Where converted models are cached: models.cacheDir, else <dataDir>/models. */
export function modelCacheDir(cfg: Pick<Config, 'models' | 'dataDir'>): string {
  return resolve(cfg.models.cacheDir ?? join(cfg.dataDir, 'models'));
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Why a cache entry cannot be used, or undefined when it can. */
async function cacheProblem(
  name: ModelName,
  entry: ManifestEntry | undefined,
  cacheDir: string,
  verifyHash = false,
): Promise<string | undefined> {
  if (!entry) return 'not built yet';
  if (entry.converterVersion !== CONVERTER_VERSION)
    return `stale: built by converter v${entry.converterVersion}, this is v${CONVERTER_VERSION}`;
  const source = MODEL_SOURCES[name];
  const version = packageVersion(source.packageName);
  if (entry.source.package !== source.packageName || entry.source.version !== version) {
    return `stale: built from ${entry.source.package}@${entry.source.version}, installed is ${source.packageName}@${version}`;
  }
  const dir = packageDir(source.packageName);
  for (const file of entry.source.files) {
    const info = await stat(join(dir, file.path)).catch(() => undefined);
    if (info?.size !== file.bytes) return `stale: source ${file.path} changed`;
  }
  const path = join(cacheDir, entry.file);
  const info = await stat(path).catch(() => undefined);
  if (!info) return `missing: ${entry.file}`;
  if (info.size !== entry.output.bytes)
    return `corrupt: ${entry.file} has ${info.size} bytes, ${entry.output.bytes} were written`;
  // Within a millisecond: file systems and utimes round sub-millisecond times differently.
  if (!verifyHash && Math.abs(info.mtimeMs - entry.output.mtimeMs) < 1) return undefined;
  if (sha256(await readFile(path)) !== entry.output.sha256)
    return `corrupt: ${entry.file} does not match its recorded sha256`;
  return undefined;
}

const toPrepared = (name: ModelName, entry: ManifestEntry, cacheDir: string, cached: boolean): PreparedModel => ({
  name,
  path: join(cacheDir, entry.file),
  inputs: entry.inputs,
  outputs: entry.outputs,
  sha256: entry.output.sha256,
  source: { package: entry.source.package, version: entry.source.version },
  cached,
});

/** Loads the built model in onnxruntime and runs it once on zeros: proves it works and measures output shapes. */
async function verify(built: BuiltModel): Promise<{ inputs: ModelTensor[]; outputs: ModelTensor[] }> {
  const session = await ort.InferenceSession.create(built.bytes, { graphOptimizationLevel: 'all' });
  try {
    const dynamicBatch = built.inputs.some((i) => typeof i.shape[0] !== 'number');
    const feeds: Record<string, ort.Tensor> = {};
    const inputs = built.inputs.map((i) => ({
      name: i.name,
      shape: i.shape.map((d, k) => (typeof d === 'number' ? d : k === 0 ? 'batch' : String(d))),
    }));
    for (const i of built.inputs) {
      const dims = i.shape.map((d) => (typeof d === 'number' ? d : 1));
      feeds[i.name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    }
    const results = await session.run(feeds);
    const outputs = built.outputs.map((o) => ({
      name: o.name,
      shape: results[o.name]!.dims.map((d, k) => (k === 0 && dynamicBatch ? 'batch' : d)),
    }));
    return { inputs, outputs };
  } finally {
    await session.release();
  }
}

async function build(name: ModelName, opts: PrepareOptions, reason: string): Promise<PreparedModel> {
  const { cacheDir, log, onProgress } = opts;
  const source = MODEL_SOURCES[name];
  const started = performance.now();
  log?.info({ model: name, reason }, `converting ${name}`);
  onProgress?.({ model: name, stage: 'converting' });
  const dir = packageDir(source.packageName);
  const files = await Promise.all(
    (await source.files()).map(async (path) => {
      const bytes = await readFile(join(dir, path));
      return { path, bytes: bytes.length, sha256: sha256(bytes) };
    }),
  );
  const built = await source.build();
  onProgress?.({ model: name, stage: 'verifying' });
  const { inputs, outputs } = await verify(built);
  const file = `${name}.onnx`;
  const tmp = join(cacheDir, `${file}.${process.pid}.tmp`);
  await writeFile(tmp, built.bytes);
  await rename(tmp, join(cacheDir, file));
  const { mtimeMs } = await stat(join(cacheDir, file));
  const entry: ManifestEntry = {
    file,
    converterVersion: CONVERTER_VERSION,
    source: { package: source.packageName, version: packageVersion(source.packageName), files },
    output: { bytes: built.bytes.length, sha256: sha256(built.bytes), mtimeMs },
    inputs,
    outputs,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - started),
  };
  const { manifest } = await readManifest(cacheDir);
  manifest.models[name] = entry;
  await writeManifest(cacheDir, manifest);
  log?.info({ model: name, path: join(cacheDir, file), ms: entry.buildMs }, `${name} ready`);
  return toPrepared(name, entry, cacheDir, false);
}

/** Builds in flight in this process, so concurrent callers share one conversion. */
const inFlight = new Map<string, Promise<PreparedModel>>();

/**
 * The prepared model `name` in `cacheDir`: the cached file when valid, else converted
 * now (under a lock shared with other processes using the same folder).
 */
export function ensureModel(name: ModelName, opts: PrepareOptions): Promise<PreparedModel> {
  if (!MODEL_SOURCES[name])
    return Promise.reject(new RangeError(`unknown model '${String(name)}' (known: ${MODEL_NAMES.join(', ')})`));
  const cacheDir = resolve(opts.cacheDir);
  const key = `${cacheDir}\0${name}`;
  let job = inFlight.get(key);
  if (!job) {
    job = prepare(name, { ...opts, cacheDir }).finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}

async function prepare(name: ModelName, opts: PrepareOptions): Promise<PreparedModel> {
  const { cacheDir, log, onProgress, force, verify: verifyHash } = opts;
  onProgress?.({ model: name, stage: 'checking' });
  const first = await readManifest(cacheDir);
  const problem = force
    ? 'forced rebuild'
    : await cacheProblem(name, first.manifest.models[name], cacheDir, verifyHash);
  let prepared: PreparedModel;
  if (!problem) {
    prepared = toPrepared(name, first.manifest.models[name]!, cacheDir, true);
  } else {
    if (first.problem) log?.warn({ cacheDir }, first.problem);
    if (problem.startsWith('corrupt') || problem.startsWith('stale')) log?.warn({ model: name }, problem);
    await mkdir(cacheDir, { recursive: true });
    prepared = await withCacheLock(cacheDir, async () => {
      // Another process may have built it while this one waited for the lock.
      const again = await readManifest(cacheDir);
      const entry = again.manifest.models[name];
      if (!force && entry && !(await cacheProblem(name, entry, cacheDir, verifyHash)))
        return toPrepared(name, entry, cacheDir, true);
      return build(name, opts, problem);
    });
  }
  onProgress?.({ model: name, stage: 'ready', prepared });
  return prepared;
}

/** Every built-in model, one after the other (conversion is CPU-bound; parallel would not be faster). */
export async function prepareAll(opts: PrepareOptions): Promise<PreparedModel[]> {
  const out: PreparedModel[] = [];
  for (const name of MODEL_NAMES) out.push(await ensureModel(name, opts));
  return out;
}
