import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

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
 * readable by the service's user only (folders 0700, files 0600), and checked against
 * the hash in their name on every read.
 */
export class FileStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(folder: string, data: Buffer, ext: string): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const path = join(folder, `${sha256}.${ext}`);
    const full = this.full(path);
    await mkdir(dirname(full), { recursive: true, mode: 0o700 });
    // A root made before this rule (or by mkdir's umask) is closed too.
    await chmod(this.root, 0o700);
    const tmp = `${full}.${process.pid}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, full);
    return { path, sha256, bytes: data.length };
  }

  /**
   * The file's bytes, refused (TamperedFileError) when they do not hash to the name they were stored
   * under, or to `sha256` (the hash its record keeps) when given.
   */
  async read(path: string, sha256?: string): Promise<Buffer> {
    const data = await readFile(this.full(path));
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
