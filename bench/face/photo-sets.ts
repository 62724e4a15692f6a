/** The photos the accuracy benchmark reads: enrolled people (one folder each) and strangers from npm packages. */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { dirname, join } from 'node:path';
import { decodeImage, type DecodedImage, type DescribedFace, type FaceChain } from '../../models/index.js';
import { euclidean } from '../../pipeline/face-match.js';
import type { Box } from '../../pipeline/geometry.js';
import { packageDir } from '../../models/prepare/package-dir.js';
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

/** The "extracted faces" grid of @vladmandic/human's face-match screenshot: 6 rows of 18 face crops. */
const GRID = { file: 'screenshot-facematch.jpg', top: 283, rowPitch: 112.4, rows: 6, columns: 18 } as const;

export interface CohortFace {
  key: string;
  descriptor: Float32Array;
}

/**
 * A cohort of faces known not to be on the watchlist, shipped in an npm package: the face crops of
 * @vladmandic/human's face-match screenshot (party photos). A crop within `sameAs` (the chain's
 * match threshold) of any face in `exclude` (the enrolled people and the stranger probes) could be
 * the same person and is left out, so the cohort stays disjoint from what it is measured on.
 * Measured with 0.35 / 0.41 / 0.45 (80 / 59 / 30 faces): none made cohort scores beat raw distances.
 */
export async function npmCohort(
  chain: FaceChain,
  exclude: SourceFace[],
  sameAs: number,
): Promise<{ faces: CohortFace[]; cells: number; excluded: number }> {
  const file = join(packageDir('@vladmandic/human'), 'assets', GRID.file);
  const meta = await sharp(file).metadata();
  const pitch = meta.width! / GRID.columns;
  const faces: CohortFace[] = [];
  let excluded = 0;
  for (let r = 0; r < GRID.rows; r++) {
    for (let c = 0; c < GRID.columns; c++) {
      const region = {
        left: Math.round(c * pitch),
        top: Math.round(GRID.top + r * GRID.rowPitch),
        width: Math.floor(pitch),
        height: Math.floor(GRID.rowPitch) - 4,
      };
      // tight crops: padded and enlarged, as the TV stills are, so the detector sees a whole head
      const pad = Math.round(region.width * 0.4);
      const { data, info } = await sharp(file)
        .extract(region)
        .extend({ top: pad, bottom: pad, left: pad, right: pad, background: '#808080' })
        .resize({ width: (region.width + 2 * pad) * 2 })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const face = await describeLargest(chain, { data, width: info.width, height: info.height });
      if (!face || face.face.box[2] - face.face.box[0] < 60) continue;
      if (exclude.some((s) => euclidean(s.full.descriptor, face.descriptor) < sameAs)) excluded++;
      else faces.push({ key: `${GRID.file}#${r}.${c}`, descriptor: face.descriptor });
    }
  }
  return { faces, cells: GRID.rows * GRID.columns, excluded };
}
