import { mkdtemp, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, type CacheManifest } from './cache-manifest.js';
import { ensureModel, modelCacheDir, type PreparedModel } from './ensure-model.js';
import { packageVersion } from './package-dir.js';

let cacheDir: string;
let first: PreparedModel;
const manifest = async (): Promise<CacheManifest> => JSON.parse(await readFile(join(cacheDir, MANIFEST_FILE), 'utf8'));

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'wp-models-'));
  first = await ensureModel('blazeface', { cacheDir });
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe('ensureModel', () => {
  it('converts once into the cache and records source, hashes, inputs and outputs', async () => {
    expect(first.cached).toBe(false);
    expect(first.path).toBe(join(cacheDir, 'blazeface.onnx'));
    expect(first.inputs).toEqual([{ name: 'input', shape: [1, 256, 256, 3] }]);
    expect(first.outputs.map((o) => o.name).sort()).toEqual(['Identity', 'Identity_1', 'Identity_2', 'Identity_3']);
    const entry = (await manifest()).models.blazeface!;
    expect(entry.source.package).toBe('@vladmandic/human');
    expect(entry.source.version).toBe(packageVersion('@vladmandic/human'));
    expect(entry.source.files.map((f) => f.path)).toEqual(['models/blazeface.json', 'models/blazeface.bin']);
    expect(entry.source.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(entry.output.sha256).toBe(first.sha256);
    expect(entry.output.bytes).toBe((await stat(first.path)).size);
    const session = await ort.InferenceSession.create(first.path, { graphOptimizationLevel: 'all' });
    expect(session.inputNames).toEqual(['input']);
  });

  it('a second call uses the cache without rebuilding', async () => {
    const before = (await stat(first.path)).mtimeMs;
    const started = performance.now();
    const again = await ensureModel('blazeface', { cacheDir });
    console.log(`cached blazeface check took ${(performance.now() - started).toFixed(1)} ms`);
    expect(again.cached).toBe(true);
    expect(again.sha256).toBe(first.sha256);
    expect((await stat(first.path)).mtimeMs).toBe(before);
  });

  it('rebuilds a truncated file', async () => {
    await truncate(first.path, 1000);
    const rebuilt = await ensureModel('blazeface', { cacheDir });
    expect(rebuilt.cached).toBe(false);
    expect((await stat(first.path)).size).toBe((await manifest()).models.blazeface!.output.bytes);
  });

  it('rebuilds a file edited in place (same size)', async () => {
    const bytes = await readFile(first.path);
    bytes[bytes.length - 10]! ^= 0xff;
    await writeFile(first.path, bytes);
    const rebuilt = await ensureModel('blazeface', { cacheDir });
    expect(rebuilt.cached).toBe(false);
    expect(rebuilt.sha256).toBe(first.sha256); // the conversion is deterministic
  });

  it('with verify, hashes even when size and time look unchanged', async () => {
    const bytes = await readFile(first.path);
    const { mtime } = await stat(first.path);
    bytes[bytes.length - 10]! ^= 0xff;
    await writeFile(first.path, bytes);
    await utimes(first.path, mtime, mtime); // hide the edit from the quick check
    expect((await ensureModel('blazeface', { cacheDir })).cached).toBe(true);
    expect((await ensureModel('blazeface', { cacheDir, verify: true })).cached).toBe(false);
  });

  it('rebuilds a stale entry (other source version) and an unreadable manifest', async () => {
    const m = await manifest();
    m.models.blazeface!.source.version = '0.0.1';
    await writeFile(join(cacheDir, MANIFEST_FILE), JSON.stringify(m));
    expect((await ensureModel('blazeface', { cacheDir })).cached).toBe(false);
    await writeFile(join(cacheDir, MANIFEST_FILE), '{"models": {"blazeface": 1');
    expect((await ensureModel('blazeface', { cacheDir })).cached).toBe(false);
    expect((await ensureModel('blazeface', { cacheDir })).cached).toBe(true);
  });

  it('shares one conversion between concurrent callers and honours force', async () => {
    const [a, b] = await Promise.all([
      ensureModel('blazeface', { cacheDir, force: true }),
      ensureModel('blazeface', { cacheDir, force: true }),
    ]);
    expect(a).toBe(b);
    expect(a.cached).toBe(false);
  });

  it('rejects an unknown model name, listing the known ones', async () => {
    await expect(ensureModel('yolo' as never, { cacheDir })).rejects.toThrow(
      "unknown model 'yolo' (known: blazeface, centernet, centernetWide, faceres, faceLandmark68, faceRecognition)",
    );
  });

  it('reports progress stages', async () => {
    const stages: string[] = [];
    await ensureModel('blazeface', { cacheDir, force: true, onProgress: (p) => stages.push(p.stage) });
    expect(stages).toEqual(['checking', 'converting', 'verifying', 'ready']);
  });
});

describe('modelCacheDir', () => {
  it('is models.cacheDir when set, else <dataDir>/models', () => {
    expect(modelCacheDir({ dataDir: '/srv/wp', models: { cacheDir: '/cache/m' } as never })).toBe('/cache/m');
    expect(modelCacheDir({ dataDir: '/srv/wp', models: {} as never })).toBe('/srv/wp/models');
  });
});
