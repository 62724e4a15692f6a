/** The photos the accuracy benchmark reads: enrolled people (one folder each) and strangers from npm packages. */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeImage, type DecodedImage, type DescribedFace, type FaceChain } from '../../models/index.js';
import type { Box } from '../../pipeline/geometry.js';
import { describeLargest } from './cctv-probes.js';

export const FACES_DIR =
  process.env.WATCHPOST_FACES_DIR ?? new URL('../../../shared/data/faces', import.meta.url).pathname;

export interface Photo {
  person: string;
  path: string;
  img: DecodedImage;
}

export function loadPhotos(dir = FACES_DIR): Promise<Photo[]> {
  const people = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('_'));
  return Promise.all(
    people.flatMap((p) =>
      readdirSync(join(dir, p.name))
        .sort()
        .map(async (file) => ({
          person: p.name,
          path: join(dir, p.name, file),
          img: await decodeImage(join(dir, p.name, file)),
        })),
    ),
  );
}

/** A face at full resolution: the enrolment template, and where the CCTV probes are cut from. */
export interface SourceFace {
  person: string;
  /** Unique per photo (and per face in a group photo). */
  key: string;
  img: DecodedImage;
  box: Box;
  full: DescribedFace;
}

/** The largest face of each photo (several faces in a portrait: the bench measures recognition, not enrolment rules). */
export async function sourceFaces(chain: FaceChain, photos: Photo[]): Promise<SourceFace[]> {
  const out: SourceFace[] = [];
  for (const p of photos) {
    const full = await describeLargest(chain, p.img);
    if (full) out.push({ person: p.person, key: p.path, img: p.img, box: full.face.box, full });
  }
  return out;
}

/**
 * Strangers: every face of 60 px or more in @vladmandic/face-api's demo photos (group
 * photos of people on nobody's watchlist), each its own identity.
 */
export async function npmStrangers(chain: FaceChain): Promise<SourceFace[]> {
  const require = createRequire(import.meta.url);
  const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  if (!existsSync(demo)) return [];
  const out: SourceFace[] = [];
  for (const file of readdirSync(demo)
    .filter((f) => /^sample\d+\.jpg$/.test(f))
    .sort()) {
    const img = await decodeImage(join(demo, file));
    const faces = (await chain.describeAll(img)).filter((f) => f.face.box[2] - f.face.box[0] >= 60);
    for (const [i, full] of faces.entries())
      out.push({ person: `npm-stranger:${file}#${i}`, key: `${file}#${i}`, img, box: full.face.box, full });
  }
  return out;
}
