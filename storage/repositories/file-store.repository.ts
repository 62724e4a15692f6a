import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface StoredFile {
  /** Relative to the store's root. */
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * Content-addressed files under one root (evidence, enrolment photos): written
 * atomically (temp + rename) so a crash never leaves a half file under a real name.
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
    await mkdir(dirname(full), { recursive: true });
    const tmp = `${full}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, full);
    return { path, sha256, bytes: data.length };
  }

  read(path: string): Promise<Buffer> {
    return readFile(this.full(path));
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
