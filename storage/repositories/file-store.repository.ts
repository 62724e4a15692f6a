import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { EvidenceKeyError, isSealed, type Keyring, seal, sealedKeyId, unseal } from '../../runtime/file-cipher.js';

/** A stored file whose bytes no longer hash to its name: changed on disk, never served. */
export class TamperedFileError extends Error {
  override name = 'TamperedFileError';
  constructor(readonly path: string) {
    super(`stored file ${path} does not match its SHA-256: changed on disk, refused`);
  }
}

export interface StoredFile {
  /** Relative to the store's root. */
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * Content-addressed files under one root (evidence, enrolment photos): written
 * atomically (temp + rename) so a crash never leaves a half file under a real name,
 * readable by the service's user only (folders 0700, files 0600), sealed with AES-256-GCM
 * when a keyring is given (`file-cipher.ts`), and checked against the hash in their name
 * on every read. The name and the hash are always the plaintext's, so exports and hash
 * headers are the same with or without encryption.
 */
export class FileStore {
  readonly root: string;

  constructor(
    root: string,
    private readonly keyring: Keyring | null = null,
  ) {
    this.root = resolve(root);
  }

  async put(folder: string, data: Buffer, ext: string): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const path = join(folder, `${sha256}.${ext}`);
    await this.write(path, this.keyring ? seal(this.keyring, data) : data);
    return { path, sha256, bytes: data.length };
  }

  private async write(path: string, bytes: Buffer): Promise<void> {
    const full = this.full(path);
    await mkdir(dirname(full), { recursive: true, mode: 0o700 });
    // A root made before this rule (or by mkdir's umask) is closed too.
    await chmod(this.root, 0o700);
    const tmp = `${full}.${process.pid}.tmp`;
    await writeFile(tmp, bytes, { mode: 0o600 });
    await rename(tmp, full);
  }

  /**
   * Seals every file not yet under the current key (plaintext from before encryption, or an
   * older key of a rotation) with it, each checked first; a file that fails its check, or is
   * sealed with a key not held, stays as it is and is listed. Without a keyring, does nothing.
   */
  async rekey(): Promise<{ files: number; rewritten: number; refused: { path: string; reason: string }[] }> {
    const ring = this.keyring;
    const out = { files: 0, rewritten: 0, refused: [] as { path: string; reason: string }[] };
    if (!ring) return out;
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const f of entries) {
      if (!f.isFile() || f.name.endsWith('.tmp')) continue;
      out.files++;
      const path = relative(this.root, join(f.parentPath, f.name));
      if (sealedKeyId(await readFile(this.full(path))) === ring.writeKeyId) continue;
      try {
        await this.write(path, seal(ring, await this.read(path)));
        out.rewritten++;
      } catch (err) {
        if (!(err instanceof TamperedFileError || err instanceof EvidenceKeyError)) throw err;
        out.refused.push({ path, reason: err.message });
      }
    }
    return out;
  }

  /**
   * The file's bytes, refused (TamperedFileError) when they do not hash to the name they were stored
   * under, or to `sha256` (the hash its record keeps) when given.
   */
  async read(path: string, sha256?: string): Promise<Buffer> {
    const raw = await readFile(this.full(path));
    // A sealed file that fails authentication was changed on disk, as surely as a wrong hash says.
    const data = isSealed(raw) ? unseal(this.keyring, raw) : raw;
    if (!data) throw new TamperedFileError(path);
    const actual = createHash('sha256').update(data).digest('hex');
    const named = /^([0-9a-f]{64})\./.exec(basename(path))?.[1];
    if ((named && actual !== named) || (sha256 !== undefined && actual !== sha256)) throw new TamperedFileError(path);
    return data;
  }

  async removeFolder(folder: string): Promise<void> {
    await rm(this.full(folder), { recursive: true, force: true });
  }

  async remove(path: string): Promise<void> {
    await rm(this.full(path), { force: true });
  }

  /** Refuses paths that would leave the root. */
  private full(path: string): string {
    const full = resolve(this.root, path);
    if (full !== this.root && !full.startsWith(this.root + sep))
      throw new Error(`path escapes the store: ${relative(this.root, full)}`);
    return full;
  }
}
