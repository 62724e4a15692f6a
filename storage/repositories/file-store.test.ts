import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { FileStore, TamperedFileError } from './file-store.repository.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});
const store = () => {
  const base = mkdtempSync(join(tmpdir(), 'wp-files-'));
  roots.push(base);
  return new FileStore(join(base, 'evidence'));
};

it('stores files readable by the service only', async () => {
  const s = store();
  const f = await s.put('alert-1', Buffer.from('frame bytes'), 'jpg');
  expect(statSync(join(s.root, f.path)).mode & 0o777).toBe(0o600);
  expect(statSync(join(s.root, 'alert-1')).mode & 0o777).toBe(0o700);
  expect(statSync(s.root).mode & 0o777).toBe(0o700);
  expect((await s.read(f.path)).toString()).toBe('frame bytes');
});

it('refuses a file changed on disk by one byte', async () => {
  const s = store();
  const f = await s.put('alert-2', Buffer.from('original evidence'), 'jpg');
  writeFileSync(join(s.root, f.path), 'original evidencf');
  await expect(s.read(f.path)).rejects.toBeInstanceOf(TamperedFileError);
});

it('refuses a file whose bytes differ from the hash its record keeps', async () => {
  const s = store();
  const f = await s.put('alert-3', Buffer.from('evidence'), 'jpg');
  expect((await s.read(f.path, f.sha256)).toString()).toBe('evidence');
  await expect(s.read(f.path, 'f'.repeat(64))).rejects.toBeInstanceOf(TamperedFileError);
});
