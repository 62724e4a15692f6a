import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { DecodedImage, EnrolmentResult } from '../../models/index.js';
import type { GalleryIdentity } from '../../pipeline/face-match.js';

/** The gallery folder is missing or holds no `<name>/<photo>` entries. */
export class GalleryFolderError extends Error {
  override name = 'GalleryFolderError';
}

const PHOTO = /\.(jpe?g|png|webp|tiff?|gif|avif|bmp)$/i;

export interface EnrolledPhoto {
  name: string;
  photo: string;
  ok: boolean;
  /** Why the photo was not used (no_face, several_faces, face_too_small, or an image error code). */
  reason?: string;
}

/**
 * Enrols `<dir>/<name>/<photo>` folders (one folder per person, any number of photos)
 * the way the API enrols uploads: exactly one usable face per photo, else the photo
 * is skipped with its reason. Folders and photos are taken in name order, so the
 * result is deterministic.
 */
export async function enrolGalleryFolder(
  dir: string,
  deps: { decode: (path: string) => Promise<DecodedImage>; enrol: (img: DecodedImage) => Promise<EnrolmentResult> },
): Promise<{ identities: GalleryIdentity[]; photos: EnrolledPhoto[] }> {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (err) {
    throw new GalleryFolderError(
      `cannot read gallery folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const identities: GalleryIdentity[] = [];
  const photos: EnrolledPhoto[] = [];
  for (const name of entries) {
    const folder = join(dir, name);
    if (!statSync(folder).isDirectory()) continue;
    const descriptors: Float32Array[] = [];
    for (const file of readdirSync(folder).sort()) {
      if (!PHOTO.test(extname(file))) continue;
      let result: EnrolmentResult;
      try {
        result = await deps.enrol(await deps.decode(join(folder, file)));
      } catch (err) {
        photos.push({
          name,
          photo: file,
          ok: false,
          reason: (err as { code?: string }).code ?? (err as Error).message,
        });
        continue;
      }
      if (result.ok) descriptors.push(result.descriptor);
      photos.push({ name, photo: basename(file), ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
    }
    if (descriptors.length) identities.push({ id: name, name, descriptors: descriptors.map((d) => Array.from(d)) });
  }
  if (!photos.length) throw new GalleryFolderError(`gallery folder ${dir} holds no <name>/<photo> images`);
  return { identities, photos };
}
