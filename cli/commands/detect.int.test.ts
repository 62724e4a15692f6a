import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

const bin = new URL('../../bin/watchpost.js', import.meta.url).pathname;
const SAMPLE = (i: number) =>
  new URL(`../../node_modules/@vladmandic/face-api/demo/sample${i}.jpg`, import.meta.url).pathname;
const env = {
  ...process.env,
  WATCHPOST__MODELS__CACHE_DIR: join(tmpdir(), 'watchpost-test-model-cache'),
  WATCHPOST__MODELS__THREADS: '1',
  LOG_LEVEL: 'warn',
};
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, 'detect', ...args], { encoding: 'utf8', env, timeout: 300_000 });

interface Face {
  box: number[];
  score: number;
  keypoints: number[][];
  identity: { name: string; distance: number } | null;
}
interface Output {
  images: {
    path: string;
    persons: { box: number[]; score: number }[];
    faces: Face[];
    error?: { code: string; message: string };
    annotated?: string;
  }[];
  gallery?: { identities: number; rejected: { path: string; error: { code: string } }[] };
}

describe('watchpost detect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-detect-'));
  const gallery = join(dir, 'gallery');
  const bad = { truncated: join(dir, 'truncated.jpg'), empty: join(dir, 'empty.jpg'), text: join(dir, 'notes.jpg') };
  let faceCrop = '';

  beforeAll(async () => {
    const jpg = readFileSync(SAMPLE(2));
    writeFileSync(bad.truncated, jpg.subarray(0, jpg.length >> 1));
    writeFileSync(bad.empty, '');
    writeFileSync(bad.text, 'not an image');
    // gallery: "alice" is the right-hand face of sample2 (a crop), plus photos that must be rejected
    mkdirSync(join(gallery, 'alice'), { recursive: true });
    mkdirSync(join(gallery, 'crowd'), { recursive: true });
    faceCrop = join(gallery, 'alice', 'alice.jpg');
    await sharp(SAMPLE(2)).extract({ left: 1300, top: 50, width: 520, height: 520 }).toFile(faceCrop);
    copyFileSync(SAMPLE(1), join(gallery, 'crowd', 'group.jpg'));
    writeFileSync(
      join(gallery, 'alice', 'blank.png'),
      await sharp({ create: { width: 200, height: 200, channels: 3, background: '#777' } })
        .png()
        .toBuffer(),
    );
  });

  it('prints one JSON object; names the enrolled face, leaves others unknown; bad images get errors, the rest still run', () => {
    const annotate = join(dir, 'out.jpg');
    const r = run([
      '--json',
      '--gallery',
      gallery,
      '--annotate',
      annotate,
      SAMPLE(2),
      bad.truncated,
      bad.empty,
      bad.text,
      SAMPLE(1),
    ]);
    expect(r.stderr).not.toMatch(/Error:/);
    const out = JSON.parse(r.stdout) as Output;
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.status).toBe(1); // some images failed
    expect(out.images.map((i) => i.path)).toEqual([SAMPLE(2), bad.truncated, bad.empty, bad.text, SAMPLE(1)]);
    const [sample2, truncated, empty, text, sample1] = out.images;
    expect(truncated!.error?.code).toBe('truncated');
    expect(empty!.error?.code).toBe('empty');
    expect(text!.error?.code).toBe('not_an_image');
    for (const img of [sample2!, sample1!]) {
      expect(img.error).toBeUndefined();
      expect(img.persons.length).toBeGreaterThan(0);
      for (const p of img.persons) expect(p.box).toHaveLength(4);
      for (const f of img.faces) {
        expect(f.box).toHaveLength(4);
        expect(f.keypoints.every((k) => k.length === 2)).toBe(true);
      }
    }
    const named = sample2!.faces.filter((f) => f.identity);
    expect(named).toHaveLength(1);
    expect(named[0]!.identity!.name).toBe('alice');
    expect(named[0]!.box[0]).toBeGreaterThan(1300);
    expect(sample1!.faces.every((f) => f.identity === null)).toBe(true);
    expect(out.gallery!.identities).toBe(1);
    expect(out.gallery!.rejected.map((x) => x.error.code).sort()).toEqual(['no_face', 'several_faces']);
    // several images: one annotated file per processed image, numbered by position
    expect(sample2!.annotated).toBe(join(dir, 'out-1.jpg'));
    expect(sample1!.annotated).toBe(join(dir, 'out-5.jpg'));
    expect(existsSync(join(dir, 'out-1.jpg')) && existsSync(join(dir, 'out-5.jpg'))).toBe(true);
  });

  it('prints a readable summary without --json and exits 0 when every image worked', () => {
    const r = run([faceCrop]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/1 face\(s\)/);
    expect(r.stdout).toMatch(/face 0\.\d+ \[.*\] unknown/);
  });

  it('refuses a gallery that is not a folder with exit 2', () => {
    const r = run(['--gallery', join(dir, 'nope'), faceCrop]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a folder/);
  });
});
