import type { Box } from './geometry.js';
import { iou } from './nms.js';

/** The people and faces found in one frame, and the box of the person whose identity is the evidence. */
export interface RedactionInput {
  persons: Box[];
  faces: Box[];
  /** The matched person's box in this frame; null: nobody is left clear. */
  keep: Box | null;
}

/** A person box overlapping the matched person's this much is that person. */
const SAME_PERSON_IOU = 0.5;

const clip = (b: Box, w: number, h: number): Box => [
  Math.max(0, Math.floor(b[0])),
  Math.max(0, Math.floor(b[1])),
  Math.min(w, Math.ceil(b[2])),
  Math.min(h, Math.ceil(b[3])),
];

/** Head region of a person box: its top third, widened, where a face is for a standing or walking person. */
export function headRegion(p: Box): Box {
  const w = p[2] - p[0];
  const h = p[3] - p[1];
  return [p[0] - 0.1 * w, p[1] - 0.05 * h, p[2] + 0.1 * w, p[1] + 0.35 * h];
}

/**
 * Where a bystander's face may be: the head region, taken deeper for boxes that are wide for
 * their height (a person cut off by the frame's edge, or with raised arms), whose face sits
 * lower than a third of the way down. Errs towards covering more: this is a guess, not a face.
 */
export function bystanderHeadRegion(p: Box): Box {
  const w = p[2] - p[0];
  const h = p[3] - p[1];
  const r = headRegion(p);
  return [r[0], r[1], r[2], p[1] + Math.min(h, Math.max(0.35 * h, 0.8 * w))];
}

/** A guessed head region never covers the matched person's head: it is cut back to its own side of it. */
function besideKept(r: Box, person: Box, kept: Box | null): Box {
  if (!kept || r[2] <= kept[0] || r[0] >= kept[2] || r[3] <= kept[1] || r[1] >= kept[3]) return r;
  const left = (person[0] + person[2]) / 2 < (kept[0] + kept[2]) / 2;
  return left ? [r[0], r[1], Math.min(r[2], kept[0]), r[3]] : [Math.max(r[0], kept[2]), r[1], r[2], r[3]];
}

const grow = (b: Box, by: number): Box => {
  const dx = ((b[2] - b[0]) * by) / 2;
  const dy = ((b[3] - b[1]) * by) / 2;
  return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy];
};

const inside = (x: number, y: number, b: Box) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];

/**
 * Where to blur a frame so that only the matched person stays recognisable: every detected face
 * and the head of every other person. Both sources, because a face detector misses small and
 * turned faces that the person detector still boxes, and a person box can be missed where a face
 * is found. A face inside the matched person's head region is theirs and stays clear, and a
 * guessed head region of someone beside them is cut back so as not to cover their face.
 */
export function redactionRegions(input: RedactionInput, width: number, height: number): Box[] {
  const { keep } = input;
  const keptHead = keep ? headRegion(keep) : null;
  const out: Box[] = [];
  for (const p of input.persons) {
    if (keep && iou(p, keep) >= SAME_PERSON_IOU) continue;
    out.push(clip(besideKept(bystanderHeadRegion(p), p, keptHead), width, height));
  }
  for (const f of input.faces) {
    const cx = (f[0] + f[2]) / 2;
    const cy = (f[1] + f[3]) / 2;
    if (keptHead && inside(cx, cy, keptHead)) continue;
    out.push(clip(grow(f, 0.4), width, height));
  }
  return out.filter((b) => b[2] > b[0] && b[3] > b[1]);
}

/**
 * Pixelates a region of an RGB image in place: blocks of the region's size / 6 (at least 8 px)
 * each set to their mean, so no face detail survives whatever the face's size.
 */
export function pixelate(rgb: Uint8Array, width: number, box: Box): void {
  const [x1, y1, x2, y2] = box;
  const block = Math.max(8, Math.ceil(Math.max(x2 - x1, y2 - y1) / 6));
  for (let by = y1; by < y2; by += block) {
    for (let bx = x1; bx < x2; bx += block) {
      const ex = Math.min(x2, bx + block);
      const ey = Math.min(y2, by + block);
      let r = 0;
      let g = 0;
      let b = 0;
      const n = (ex - bx) * (ey - by);
      for (let y = by; y < ey; y++)
        for (let x = bx, i = (y * width + bx) * 3; x < ex; x++, i += 3) {
          r += rgb[i] as number;
          g += rgb[i + 1] as number;
          b += rgb[i + 2] as number;
        }
      r = Math.round(r / n);
      g = Math.round(g / n);
      b = Math.round(b / n);
      for (let y = by; y < ey; y++)
        for (let x = bx, i = (y * width + bx) * 3; x < ex; x++, i += 3) {
          rgb[i] = r;
          rgb[i + 1] = g;
          rgb[i + 2] = b;
        }
    }
  }
}

/** The track of the matched person: the one whose box at the sighting overlaps the match's person box most. */
export function matchedTrackId(tracksAtSighting: { id: string; box: Box }[], personBox: Box | null): string | null {
  if (!personBox) return null;
  let best: { id: string; overlap: number } | null = null;
  for (const t of tracksAtSighting) {
    const overlap = iou(t.box, personBox);
    if (overlap > 0.3 && (!best || overlap > best.overlap)) best = { id: t.id, overlap };
  }
  return best?.id ?? null;
}
