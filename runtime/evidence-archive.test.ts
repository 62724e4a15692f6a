import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { readArchive, sealArchive, verifyArchive } from './evidence-archive.js';
import { loadSigningKey } from './signing-key.js';

describe('sealed evidence archive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = loadSigningKey(dir, {});
  const files = [
    { path: 'clip.mp4', bytes: Buffer.from('not really a video but bytes all the same') },
    { path: 'alert.json', bytes: Buffer.from('{"id":"alr_1"}') },
  ];
  const zip = sealArchive(files, { alertId: 'alr_1', exportedBy: 'op', variant: 'redacted' }, key);

  it('verifies as made, with the server key trusted', () => {
    const r = verifyArchive(zip, key.publicKeyPem);
    expect(r).toMatchObject({ ok: true, signatureValid: true, trustedKey: true, changed: [], missing: [], extra: [] });
  });

  it('keeps the signing key private to the service and stable across loads', () => {
    expect(statSync(join(dir, 'keys', 'evidence-signing.pem')).mode & 0o777).toBe(0o600);
    expect(loadSigningKey(dir, {}).keyId).toBe(key.keyId);
  });

  const rezip = (edit: (m: Record<string, Uint8Array>) => void) => {
    const m = unzipSync(zip);
    edit(m);
    return zipSync(m);
  };

  it('names a file changed by one byte', () => {
    const bad = rezip((m) => {
      const clip = Buffer.from(m['clip.mp4']!);
      clip[3] = (clip[3] as number) ^ 1;
      m['clip.mp4'] = clip;
    });
    const r = verifyArchive(bad, key.publicKeyPem);
    expect(r.ok).toBe(false);
    expect(r.signatureValid).toBe(true);
    expect(r.changed).toEqual(['clip.mp4']);
  });

  it('finds a removed file, an added file, and a rewritten manifest', () => {
    expect(verifyArchive(rezip((m) => delete m['alert.json'])).missing).toEqual(['alert.json']);
    expect(verifyArchive(rezip((m) => (m['extra.txt'] = Buffer.from('x')))).extra).toEqual(['extra.txt']);
    const forged = rezip((m) => {
      const manifest = JSON.parse(Buffer.from(m['manifest.json']!).toString());
      manifest.files = manifest.files.filter((f: { path: string }) => f.path !== 'alert.json');
      m['manifest.json'] = Buffer.from(JSON.stringify(manifest));
      delete m['alert.json'];
    });
    const r = verifyArchive(forged, key.publicKeyPem);
    expect(r.signatureValid).toBe(false);
    expect(r.ok).toBe(false);
  });

  it('refuses an archive re-signed with another key when the server key is trusted', () => {
    const other = loadSigningKey(mkdtempSync(join(tmpdir(), 'seal-other-')), {});
    const resealed = sealArchive(files, { alertId: 'alr_1', exportedBy: 'op', variant: 'redacted' }, other);
    expect(verifyArchive(resealed).ok).toBe(true); // self-consistent...
    const r = verifyArchive(resealed, key.publicKeyPem); // ...but not the server's
    expect(r.ok).toBe(false);
    expect(r.trustedKey).toBe(false);
  });

  it('says so when the file is not an archive at all', () => {
    expect(verifyArchive(Buffer.from('hello')).problems[0]).toMatch(/not a readable ZIP/);
    expect(Buffer.from(readArchive(zip).get('alert.json')!).toString()).toBe('{"id":"alr_1"}');
  });
});
