import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { EnrolledPhoto } from '../pipeline/replay.js';
import type { WatchlistIdentity } from '../pipeline/watchlist.js';
import type { FaceChain } from './face-chain.js';
import { decodeImage } from './image.js';

/** The gallery folder is missing or holds no `<name>/<photo>` entries. */
export class GalleryFolderError extends Error {
  override name = 'GalleryFolderError';
}

/** A photo that was not enrolled, with where it is and why (the others still are). */
export interface RejectedPhoto {
  path: string;
  error: { code: string; message: string };
}

export interface EnrolledGallery {
  /** One per person folder with at least one usable photo, in name order. */
  identities: WatchlistIdentity[];
  /** Every photo tried, in order, used or not. */
  photos: EnrolledPhoto[];
  rejected: RejectedPhoto[];
}

const PHOTO = /\.(jpe?g|png|webp|tiff?|gif|avif|bmp)$/i;

const visible = (dir: string) =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort();

/**
 * Enrols `<dir>/<name>/<photo>` folders (one folder per person, any number of photos)
 * the way the API enrols uploads: exactly one usable face per photo, else the photo is
 * skipped with its reason. Hidden entries and files that are not photos by their
 * extension are ignored. Folders and photos are taken in name order, so the result is
 * deterministic. The one rule for every gallery folder (replay, detect, tests).
 */
export async function enrolGalleryFolder(
  dir: string,
  chain: Pick<FaceChain, 'enrolmentDescriptor'>,
): Promise<EnrolledGallery> {
  let entries: string[];
  try {
    entries = visible(dir);
  } catch (err) {
    throw new GalleryFolderError(
      `cannot read gallery folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const out: EnrolledGallery = { identities: [], photos: [], rejected: [] };
  for (const name of entries) {
    const folder = join(dir, name);
    if (!statSync(folder).isDirectory()) continue;
    const descriptors: number[][] = [];
    for (const photo of visible(folder)) {
      if (!PHOTO.test(extname(photo))) continue;
      const path = join(folder, photo);
      let refusal: { code: string; message: string };
      try {
        const result = await chain.enrolmentDescriptor(await decodeImage(path));
        if (result.ok) {
          descriptors.push(Array.from(result.descriptor));
          out.photos.push({ name, photo, ok: true });
          continue;
        }
        refusal = { code: result.reason, message: result.message };
      } catch (err) {
        const message = (err as Error).message;
        refusal = { code: (err as { code?: string }).code ?? message, message };
      }
      out.photos.push({ name, photo, ok: false, reason: refusal.code });
      out.rejected.push({ path, error: refusal });
    }
    if (descriptors.length) out.identities.push({ id: name, name, descriptors });
  }
  if (!out.photos.length) throw new GalleryFolderError(`gallery folder ${dir} holds no <name>/<photo> images`);
  return out;
}
