import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import pino from 'pino';
import {
  decodeImage,
  enrolGalleryFolder,
  FaceChain,
  Gallery,
  GalleryFolderError,
  ImageError,
  PersonDetector,
  type DecodedImage,
  type RejectedPhoto,
} from '../../models/index.js';
import { closeAllSessions } from '../../models/session.js';
import type { Box, Point } from '../../pipeline/geometry.js';
import { MOTION_THUMB } from '../../pipeline/motion-gate.js';
import { planRegions, regionSettingSchema, resolveRegionMode } from '../../pipeline/regions.js';
import { loadConfig } from '../../runtime/config.js';
import { annotatedPath, writeAnnotated, type Annotation } from '../../runtime/annotate-image.js';
import { UsageError } from '../../runtime/errors.js';
import { EXIT } from '../errors.js';

interface Options {
  json?: boolean;
  regions?: string;
  annotate?: string;
  gallery?: string;
}

interface ImageResult {
  path: string;
  width?: number;
  height?: number;
  /** Regions the person detector examined (detect.regions). */
  regions: Box[];
  persons: { box: Box; score: number }[];
  faces: {
    box: Box;
    score: number;
    quality: number;
    keypoints: Point[];
    identity: { name: string; distance: number } | null;
  }[];
  annotated?: string;
  error?: { code: string; message: string };
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
/** Boxes may reach past the border (a face at the edge); the output stays inside the image. */
const box = (b: Box, img: DecodedImage): Box =>
  [Math.max(0, b[0]), Math.max(0, b[1]), Math.min(img.width, b[2]), Math.min(img.height, b[3])].map(r1) as Box;

export function register(program: Command): void {
  program
    .command('detect')
    .description('detect persons and faces in images; with --gallery, name the faces')
    .argument('<image...>', 'image files (JPEG, PNG, WebP)')
    .option('--json', 'print one JSON object with every result')
    .option(
      '--annotate <out.jpg>',
      'write the image with boxes and names drawn (several images: out-1.jpg, out-2.jpg, ...)',
    )
    .option('--gallery <dir>', 'enrol <name>/<photo> images first, then identify faces')
    .option(
      '--regions <mode>',
      'where to look for persons: whole, tiles or auto (default: detect.regions; auto tiles a photo)',
    )
    .action(async (images: string[], opts: Options, cmd: Command) => {
      if (opts.gallery && !(existsSync(opts.gallery) && statSync(opts.gallery).isDirectory())) {
        throw new UsageError(`--gallery ${opts.gallery}: not a folder (expected <dir>/<name>/<photo>)`);
      }
      const cfg = loadConfig({ file: cmd.optsWithGlobals<{ config?: string }>().config });
      const setting = regionSettingSchema.safeParse(opts.regions ?? cfg.detect.regions);
      if (!setting.success) throw new UsageError(`--regions ${opts.regions}: expected whole, tiles, motion or auto`);
      const mode = resolveRegionMode(setting.data, { still: true, motionGating: cfg.detect.motionGating });
      // stdout carries the results (one JSON object with --json); logs go to stderr.
      const log = pino({ name: 'detect', level: cfg.log.level }, pino.destination(2));
      try {
        const persons = await PersonDetector.create(cfg, log);
        const code = await detect(
          images,
          opts,
          (img) =>
            // A photo has no motion to follow: motion mode looks at it whole, as at a camera's first frame.
            planRegions({
              mode,
              frame: img,
              model: persons.input,
              tileScale: cfg.detect.tileScale,
              changed: null,
              grid: MOTION_THUMB,
              tracks: [],
            }),
          persons,
          await FaceChain.create(cfg, log),
        );
        process.exitCode = code;
      } finally {
        await closeAllSessions();
      }
    });
}

async function detect(
  paths: string[],
  opts: Options,
  plan: (img: DecodedImage) => Box[],
  persons: PersonDetector,
  chain: FaceChain,
): Promise<number> {
  let gallery: Gallery | null = null;
  let rejected: RejectedPhoto[] = [];
  if (opts.gallery) {
    const enrolled = await enrolGalleryFolder(opts.gallery, chain).catch((err: unknown) => {
      throw err instanceof GalleryFolderError ? new UsageError(err.message) : err;
    });
    gallery = new Gallery(enrolled.identities, { threshold: chain.matchThreshold });
    rejected = enrolled.rejected;
    if (!opts.json) {
      process.stdout.write(`gallery: ${enrolled.identities.length} identities from ${opts.gallery}\n`);
      for (const r of rejected) process.stdout.write(`  skipped ${r.path}: ${r.error.message}\n`);
    }
  }
  const results: ImageResult[] = [];
  for (const [index, path] of paths.entries()) {
    const result: ImageResult = { path, regions: [], persons: [], faces: [] };
    results.push(result);
    let img: DecodedImage;
    try {
      img = await decodeImage(path);
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      result.error = { code: err.code, message: err.message };
      if (!opts.json) process.stdout.write(`${path}: error (${err.code}): ${err.message}\n`);
      continue;
    }
    result.width = img.width;
    result.height = img.height;
    result.regions = plan(img).map((r) => box(r, img));
    const [people, faces] = await Promise.all([persons.detectRegions(img, result.regions), chain.describeAll(img)]);
    result.persons = people.map((p) => ({ box: box(p.box, img), score: r4(p.score) }));
    result.faces = faces.map(({ face, descriptor, quality }) => {
      const match = gallery?.match(descriptor) ?? null;
      return {
        box: box(face.box, img),
        score: r4(face.score),
        quality: r4(quality),
        keypoints: face.keypoints.map(([x, y]) => [r1(x), r1(y)] as Point),
        identity: match && { name: match.name, distance: r4(match.distance) },
      };
    });
    if (opts.annotate) {
      result.annotated = annotatedPath(opts.annotate, index, paths.length);
      const annotations: Annotation[] = [
        ...result.persons.map((p) => ({ box: p.box, label: `person ${p.score.toFixed(2)}`, kind: 'person' as const })),
        ...result.faces.map((f) => ({
          box: f.box,
          label: f.identity ? `${f.identity.name} (${f.identity.distance.toFixed(2)})` : 'unknown',
          kind: f.identity ? ('known' as const) : ('unknown' as const),
        })),
      ];
      await writeAnnotated(img, annotations, result.annotated);
    }
    if (!opts.json) printHuman(result);
  }
  if (opts.json) {
    const out = gallery ? { images: results, gallery: { identities: gallery.size, rejected } } : { images: results };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  return results.some((r) => r.error) ? EXIT.failure : EXIT.ok;
}

function printHuman(r: ImageResult): void {
  const lines = [
    `${r.path}: ${r.width}x${r.height}, ${r.regions.length} region(s), ${r.persons.length} person(s), ${r.faces.length} face(s)`,
  ];
  for (const p of r.persons) lines.push(`  person ${p.score.toFixed(2)} [${p.box.join(', ')}]`);
  for (const f of r.faces) {
    const who = f.identity ? `${f.identity.name} (distance ${f.identity.distance.toFixed(3)})` : 'unknown';
    lines.push(`  face ${f.score.toFixed(2)} [${f.box.join(', ')}] ${who}`);
  }
  if (r.annotated) lines.push(`  annotated: ${r.annotated}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
