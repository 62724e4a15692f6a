/**
 * The enrolment gate on real photos: every photo in the faces folder should be accepted
 * (or refused with a reason a person can check), every animal refused. Animals: the
 * darknet stills (dog, horses, the dog and horse beside a person) whole, and cut around
 * each animal and enlarged 2-3x, so the face BlazeFace finds on them is big enough that
 * only the human-face checks can refuse it.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, type DecodedImage, type FaceChain } from '../../models/index.js';
import type { Photo } from './photo-sets.js';

/** [file, left, top, width, height, enlargement] around animals in ../shared/data/footage (CenterNet's boxes). */
const ANIMAL_CROPS: [string, number, number, number, number, number][] = [
  ['darknet_dog.jpg', 127, 211, 184, 328, 2],
  ['darknet_dog.jpg', 180, 200, 180, 180, 3],
  ['darknet_horses.jpg', 431, 210, 171, 136, 3],
  ['darknet_horses.jpg', 0, 190, 316, 220, 2],
  ['darknet_horses.jpg', 231, 197, 197, 172, 3],
  ['darknet_person.jpg', 67, 264, 130, 87, 3],
  ['darknet_person.jpg', 404, 137, 199, 203, 2],
];

export interface GateRow {
  photo: string;
  human: boolean;
  accepted: boolean;
  reason: string | null;
  message: string | null;
}

async function animalPhotos(footage: string): Promise<{ name: string; img: DecodedImage }[]> {
  const out: { name: string; img: DecodedImage }[] = [];
  for (const f of ['darknet_dog.jpg', 'darknet_horses.jpg']) {
    if (existsSync(join(footage, f))) out.push({ name: f, img: await decodeImage(join(footage, f)) });
  }
  for (const [f, left, top, width, height, k] of ANIMAL_CROPS) {
    if (!existsSync(join(footage, f))) continue;
    const png = await sharp(join(footage, f))
      .extract({ left, top, width, height })
      .resize(width * k)
      .png()
      .toBuffer();
    out.push({ name: `${f} [${left},${top} ${width}x${height}] x${k}`, img: await decodeImage(png) });
  }
  return out;
}

export interface GateSummary {
  human_photos: number;
  human_accepted: number;
  human_refused: { photo: string; reason: string; message: string }[];
  animal_photos: number;
  animal_refused: number;
  animal_accepted: string[];
  rows: GateRow[];
}

export async function enrolmentGate(chain: FaceChain, photos: Photo[], footage: string): Promise<GateSummary> {
  const rows: GateRow[] = [];
  for (const p of photos) {
    const r = await chain.enrolmentDescriptor(p.img);
    rows.push({
      photo: `${p.person}/${basename(p.path)}`,
      human: true,
      accepted: r.ok,
      reason: r.ok ? null : r.reason,
      message: r.ok ? null : r.message,
    });
  }
  for (const a of await animalPhotos(footage)) {
    const r = await chain.enrolmentDescriptor(a.img);
    rows.push({
      photo: a.name,
      human: false,
      accepted: r.ok,
      reason: r.ok ? null : r.reason,
      message: r.ok ? null : r.message,
    });
  }
  const humans = rows.filter((r) => r.human);
  const animals = rows.filter((r) => !r.human);
  return {
    human_photos: humans.length,
    human_accepted: humans.filter((r) => r.accepted).length,
    human_refused: humans
      .filter((r) => !r.accepted)
      .map((r) => ({ photo: r.photo, reason: r.reason!, message: r.message! })),
    animal_photos: animals.length,
    animal_refused: animals.filter((r) => !r.accepted).length,
    animal_accepted: animals.filter((r) => r.accepted).map((r) => r.photo),
    rows,
  };
}
