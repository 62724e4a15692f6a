import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = new URL('../../bin/watchpost.js', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'wp-cli-models-'));
const prepare = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'models', 'prepare', ...args], {
    encoding: 'utf8',
    env: { ...process.env, WATCHPOST_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    timeout: 180_000,
  });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('watchpost models prepare', () => {
  it('converts every model once, reuses the cache, and rebuilds only a corrupt file', () => {
    const first = prepare();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /6 models ready in .*wp-cli-models-.*\/models \(6 built, 0 cached; manifest\.json\) in [\d.]+ s/,
    );
    for (const name of ['blazeface', 'centernet', 'centernetWide', 'faceres', 'faceLandmark68', 'faceRecognition']) {
      expect(first.stdout).toContain(join(dataDir, 'models', `${name}.onnx`));
    }
    expect(first.stdout).toMatch(/faceRecognition +built +\S+ +input\[batch,150,150,3\] -> descriptor\[batch,128\]/);
    const manifest = JSON.parse(readFileSync(join(dataDir, 'models', 'manifest.json'), 'utf8')) as {
      models: Record<string, unknown>;
    };
    expect(Object.keys(manifest.models).sort()).toEqual([
      'blazeface',
      'centernet',
      'centernetWide',
      'faceLandmark68',
      'faceRecognition',
      'faceres',
    ]);

    const second = prepare();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\(0 built, 6 cached; manifest\.json\)/);

    truncateSync(join(dataDir, 'models', 'centernet.onnx'), 4096);
    const third = prepare();
    expect(third.status, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/centernet +built/);
    expect(third.stdout).toMatch(/\(1 built, 5 cached; manifest\.json\)/);
    expect(third.stdout + third.stderr).toMatch(/corrupt: centernet\.onnx has 4096 bytes/);
  }, 300_000);
});
