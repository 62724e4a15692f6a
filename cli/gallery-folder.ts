import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GalleryIdentity } from '../pipeline/face-match.js';
import { decodeImage, ImageError, type FaceChain } from '../models/index.js';

/** Why a gallery photo was not enrolled (the others still are). */
export interface RejectedPhoto {
  path: string;
  error: { code: string; message: string };
}

/** Reads `<dir>/<name>/<photo>`: one identity per sub-folder, one descriptor per usable photo. */
export async function enrolGalleryFolder(
  dir: string,
  chain: FaceChain,
): Promise<{ identities: GalleryIdentity[]; rejected: RejectedPhoto[] }> {
  const identities: GalleryIdentity[] = [];
  const rejected: RejectedPhoto[] = [];
  const names = (await readdir(dir, { withFileTypes: true })).filter(
    (e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'),
  );
  for (const entry of names.sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = join(dir, entry.name);
    const descriptors: Float32Array[] = [];
    for (const file of (await readdir(folder)).sort()) {
      const path = join(folder, file);
      if (file.startsWith('.') || !(await stat(path)).isFile()) continue;
      try {
        const result = await chain.enrolmentDescriptor(await decodeImage(path));
        if (result.ok) descriptors.push(result.descriptor);
        else rejected.push({ path, error: { code: result.reason, message: result.message } });
      } catch (err) {
        if (!(err instanceof ImageError)) throw err;
        rejected.push({ path, error: { code: err.code, message: err.message } });
      }
    }
    if (descriptors.length > 0) identities.push({ id: entry.name, name: entry.name, descriptors });
  }
  return { identities, rejected };
}
