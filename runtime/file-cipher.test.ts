import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvidenceKeyError, parseKeyring, sealedKeyId } from './file-cipher.js';
import { FileStore, TamperedFileError } from '../storage/repositories/file-store.repository.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});
const folder = () => {
  const base = mkdtempSync(join(tmpdir(), 'wp-sealed-'));
  roots.push(base);
  return join(base, 'evidence');
};
const key = () => randomBytes(32).toString('base64');
const ring = (spec: string) => parseKeyring(spec)!;
/** Bytes no file format starts with by chance, and long enough to find again inside a file. */
const EVIDENCE = Buffer.concat([Buffer.from('JFIF evidence of a doorstep, '), randomBytes(4000)]);

describe('evidence encrypted at rest', () => {
  it('round-trips, keeps the plaintext hash as the name, and leaves no plaintext on disk (0600)', async () => {
    const root = folder();
    const s = new FileStore(root, ring(`k1:${key()}`));
    const f = await s.put('alert-1', EVIDENCE, 'jpg');
    expect(f.path).toBe(`alert-1/${createHash('sha256').update(EVIDENCE).digest('hex')}.jpg`);
    expect(f.bytes).toBe(EVIDENCE.length);
    const onDisk = readFileSync(join(root, f.path));
    expect(onDisk.subarray(0, 4).toString()).toBe('WPEV');
    expect(sealedKeyId(onDisk)).toBe('k1');
    expect(onDisk.includes(EVIDENCE.subarray(0, 16))).toBe(false);
    expect(onDisk.includes(EVIDENCE.subarray(2000, 2032))).toBe(false);
    expect(statSync(join(root, f.path)).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'alert-1')).mode & 0o777).toBe(0o700);
    expect((await s.read(f.path, f.sha256)).equals(EVIDENCE)).toBe(true);
  });

  it('refuses a changed byte of ciphertext, tag, IV or key id as tampered', async () => {
    const root = folder();
    const s = new FileStore(root, ring(`k1:${key()},k9:${key()}`));
    const f = await s.put('alert-2', EVIDENCE, 'jpg');
    const original = readFileSync(join(root, f.path));
    // 7: the key id ('k1' -> 'k9', a key this store holds), 9: IV, 25: tag, then the ciphertext.
    for (const at of [7, 9, 25, 40, original.length - 1]) {
      const bytes = Buffer.from(original);
      bytes[at] = at === 7 ? '9'.charCodeAt(0) : (bytes[at] as number) ^ 0x01;
      writeFileSync(join(root, f.path), bytes);
      await expect(s.read(f.path), `byte ${at}`).rejects.toBeInstanceOf(TamperedFileError);
    }
    writeFileSync(join(root, f.path), original.subarray(0, 20));
    await expect(s.read(f.path)).rejects.toBeInstanceOf(TamperedFileError);
  });

  it('says which key is missing, and refuses a wrong key of the same id', async () => {
    const root = folder();
    const f = await new FileStore(root, ring(`k1:${key()}`)).put('alert-3', EVIDENCE, 'mp4');
    await expect(new FileStore(root).read(f.path)).rejects.toThrow(/encrypted with key 'k1'.*unset/);
    await expect(new FileStore(root, ring(`k2:${key()}`)).read(f.path)).rejects.toThrow(
      new EvidenceKeyError(
        "a stored file is encrypted with key 'k1', which WATCHPOST_EVIDENCE_KEYS does not hold (keep old keys listed " +
          'after a rotation until `watchpost evidence rekey` has run)',
      ),
    );
    await expect(new FileStore(root, ring(`k1:${key()}`)).read(f.path)).rejects.toBeInstanceOf(TamperedFileError);
  });

  it('rotates: old keys and plaintext from before still read, rekey moves every file to the new key', async () => {
    const root = folder();
    const [old, next] = [key(), key()];
    const plain = await new FileStore(root).put('alert-4', Buffer.from('before encryption'), 'json');
    const sealedOld = await new FileStore(root, ring(`old:${old}`)).put('alert-4', EVIDENCE, 'jpg');
    const rotated = new FileStore(root, ring(`new:${next},old:${old}`));
    expect((await rotated.read(sealedOld.path)).equals(EVIDENCE)).toBe(true);
    expect((await rotated.read(plain.path)).toString()).toBe('before encryption');
    expect(await rotated.rekey()).toEqual({ files: 2, rewritten: 2, refused: [] });
    expect(await rotated.rekey()).toEqual({ files: 2, rewritten: 0, refused: [] });
    const newOnly = new FileStore(root, ring(`new:${next}`));
    expect((await newOnly.read(sealedOld.path)).equals(EVIDENCE)).toBe(true);
    expect(sealedKeyId(readFileSync(join(root, plain.path)))).toBe('new');
    expect(statSync(join(root, plain.path)).mode & 0o777).toBe(0o600);
    // A changed file is not re-sealed (that would launder it): it is listed and left as it is.
    const changed = await new FileStore(root).put('alert-5', Buffer.from('plaintext, then changed'), 'json');
    writeFileSync(join(root, changed.path), 'plaintext, then chanGed');
    const r = await newOnly.rekey();
    expect([r.files, r.rewritten, r.refused.map((x) => x.path)]).toEqual([3, 0, [changed.path]]);
    expect(readFileSync(join(root, changed.path), 'utf8')).toBe('plaintext, then chanGed');
  });

  it('refuses an unusable key list whole, naming the entry and never the key', () => {
    expect(parseKeyring(undefined)).toBeNull();
    expect(parseKeyring('  ')).toBeNull();
    const k = key();
    expect(ring(`a:${k},b:${key()}`).writeKeyId).toBe('a');
    expect(() => parseKeyring(`a:${k},a:${key()}`)).toThrow(/entry 2: key id 'a' is listed twice/);
    expect(() => parseKeyring(`a:${randomBytes(16).toString('base64')}`)).toThrow(
      /entry 1 \(a\): the key must be 32 bytes/,
    );
    expect(() => parseKeyring(k)).toThrow(/entry 1: expected id:base64/);
    expect(() => parseKeyring(`bad id:${k}`)).toThrow(EvidenceKeyError);
    try {
      parseKeyring(`a:${k}x`);
    } catch (err) {
      expect((err as Error).message).not.toContain(k);
    }
  });
});
