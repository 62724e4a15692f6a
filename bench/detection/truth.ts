import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Box } from '../../pipeline/geometry.js';
import type { TruthPerson } from '../../pipeline/evaluation/detection-metrics.js';

/** COCO ground truth as written in fixtures/truth/persons (bbox = x, y, w, h; category 1 = person). */
export const personTruthSchema = z.object({
  info: z
    .object({
      description: z.string().optional(),
      /** The image or video, relative to the real-data folder. */
      source: z.string().optional(),
      /** Videos: frames per second the sequence runs at (labelled frames lie on this grid). */
      sequence_fps: z.number().positive().optional(),
    })
    .passthrough(),
  images: z.array(
    z
      .object({
        id: z.number(),
        file_name: z.string(),
        width: z.number(),
        height: z.number(),
        time_sec: z.number().optional(),
      })
      .passthrough(),
  ),
  annotations: z.array(
    z
      .object({
        image_id: z.number(),
        category_id: z.number(),
        bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
        ignore: z.number().optional(),
        iscrowd: z.number().optional(),
        track_id: z.string().optional(),
      })
      .passthrough(),
  ),
});

export interface LabelledImage {
  /** Time in the video (sequences), or undefined for a photo. */
  timeSec?: number;
  width: number;
  height: number;
  truth: Array<TruthPerson & { id?: string }>;
}

/** One photo, or one video with labelled frames. */
export interface TruthSet {
  name: string;
  /** Absolute path of the photo or video. */
  path: string;
  sequenceFps: number | null;
  images: LabelledImage[];
}

const toBox = ([x, y, w, h]: [number, number, number, number]): Box => [x, y, x + w, y + h];

/** Reads one COCO file; `pathOf` maps an image's file_name (or the info's source) to a file. */
export function readTruth(file: string, name: string, pathOf: (fileName: string) => string): TruthSet[] {
  const coco = personTruthSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const labelled = (id: number) =>
    coco.annotations
      .filter((a) => a.image_id === id && a.category_id === 1)
      .map((a) => ({
        box: toBox(a.bbox),
        ignore: !!a.ignore || !!a.iscrowd,
        ...(a.track_id ? { id: a.track_id } : {}),
      }));
  const fps = coco.info.sequence_fps ?? null;
  if (fps !== null) {
    const source = coco.info.source ?? coco.images[0]?.file_name.split('#')[0] ?? '';
    return [
      {
        name,
        path: pathOf(source),
        sequenceFps: fps,
        images: coco.images.map((im) => ({
          timeSec: im.time_sec ?? 0,
          width: im.width,
          height: im.height,
          truth: labelled(im.id),
        })),
      },
    ];
  }
  return coco.images.map((im) => ({
    name: coco.images.length > 1 ? `${name}/${im.file_name}` : name,
    path: pathOf(im.file_name),
    sequenceFps: null,
    images: [{ width: im.width, height: im.height, truth: labelled(im.id) }],
  }));
}

/**
 * The repository's person truth (fixtures/truth/persons, for files in the real-data
 * folder) and the real-data folder's own COCO sets (detection/<set>/*.json).
 */
export function allTruth(repoTruthDir: string, dataDir: string): TruthSet[] {
  const sets: TruthSet[] = [];
  for (const f of readdirSync(repoTruthDir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    sets.push(...readTruth(join(repoTruthDir, f), f.replace(/\.json$/, ''), (src) => join(dataDir, src)));
  }
  const detection = join(dataDir, 'detection');
  let folders: string[] = [];
  try {
    folders = readdirSync(detection);
  } catch {
    return sets;
  }
  for (const folder of folders.sort()) {
    for (const f of readdirSync(join(detection, folder)).filter((n) => n.endsWith('.json'))) {
      sets.push(...readTruth(join(detection, folder, f), folder, (src) => join(detection, folder, src)));
    }
  }
  return sets;
}
