import { nms } from '../../pipeline/nms.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { rawRgbNhwc, runFitted, wholeImage, type InputSpec } from './input-tensor.js';
import { outputByShape, type DetectOptions, type PersonDetection, type PersonDetectorModel } from './types.js';

export const CENTERNET_SIZE = 512;
/** Input of the wide variant (prepared by models/prepare/centernet-wide.ts): full width, 16:9. */
export const CENTERNET_WIDE = { width: 512, height: 288 } as const;
/** COCO class index of "person". */
const PERSON = 0;
/** Same-person boxes above this IoU are merged (CenterNet's own top-100 is not suppressed). */
export const PERSON_NMS_IOU = 0.5;

/**
 * Decodes CenterNet's `detections` [1, K, 6] (x1, y1, x2, y2, score, class; input pixels)
 * into person boxes in input pixels.
 */
export function decodeCenternet(detections: Float32Array, minScore: number): PersonDetection[] {
  const candidates: PersonDetection[] = [];
  for (let i = 0; i + 6 <= detections.length; i += 6) {
    const score = detections[i + 4]!;
    if (detections[i + 5] !== PERSON || !(score >= minScore)) continue;
    candidates.push({ box: [detections[i]!, detections[i + 1]!, detections[i + 2]!, detections[i + 3]!], score });
  }
  return nms(candidates, { iouThreshold: PERSON_NMS_IOU });
}

/**
 * @vladmandic/human's CenterNet (MobileNetV3, COCO), converted: NHWC 0-255. Letterboxed
 * (aspect ratio kept, black bars) rather than stretched as human does: on wide photos
 * that raised person scores by 0.05-0.25 and found people stretching missed.
 * Frames of 16:9 or wider go to the 512x288 variant (models/prepare/centernet-wide.ts):
 * the same resolution as the square letterbox without its bars, at 56% of the cost.
 */
export class CenternetDetector implements PersonDetectorModel {
  readonly family = 'centernet';
  private readonly squareSpec: InputSpec = rawRgbNhwc(CENTERNET_SIZE);
  private readonly wideSpec: InputSpec = { ...rawRgbNhwc(CENTERNET_WIDE.width), height: CENTERNET_WIDE.height };

  /** Both sessions are loaded up front, so a camera's first frame does not wait for one. */
  constructor(
    private readonly square: ModelSession,
    private readonly wide: ModelSession | null = null,
  ) {}

  async detect(img: DecodedImage, opts: DetectOptions): Promise<PersonDetection[]> {
    const region = opts.region ?? wholeImage(img);
    const useWide = this.wide !== null && fitsWide(region);
    const session = useWide ? this.wide! : this.square;
    const { out, place } = await runFitted(
      session,
      img,
      region,
      useWide ? this.wideSpec : this.squareSpec,
      'center',
      detectionsOutput(session),
    );
    const det = outputByShape(out, 'CenterNet detections [1,K,6]', (d) => d.length === 3 && d[2] === 6);
    const offset = useWide ? WIDE_SCORE_OFFSET : 0;
    return decodeCenternet(det.data, opts.minScore - offset).map((p) => ({
      box: place.box(p.box),
      score: Math.min(1, p.score + offset),
    }));
  }
}

/**
 * The graph also outputs its 80-class heatmap and box sizes (3 MB a frame at 512x288);
 * only the decoded detections are used. Undefined (all outputs) if the metadata does not say.
 */
export function detectionsOutput(session: ModelSession): string[] | undefined {
  const name = session.outputs.find((o) => o.shape.length === 3 && o.shape[2] === 6)?.name;
  return name === undefined ? undefined : [name];
}

/**
 * Added to the wide variant's person scores. Without the letterbox's bars (which also
 * enter its squeeze-excite averages) the same people score lower, by 0.15 at the median.
 * Measured on the footage fixtures at 5 fps (376 person boxes): the wide variant at 0.30
 * finds what the square one finds at the default 0.35 (366 vs 367 boxes, 2 vs 2 false
 * boxes), so shifting by 0.05 keeps `detect.personScore` meaning the same on both.
 */
export const WIDE_SCORE_OFFSET = 0.05;

/** A region at least as wide as 16:9 (1% tolerance) loses no resolution in the wide input. */
export function fitsWide(region: readonly [number, number, number, number]): boolean {
  const w = region[2] - region[0];
  const h = region[3] - region[1];
  return h > 0 && w / h >= (CENTERNET_WIDE.width / CENTERNET_WIDE.height) * 0.99;
}
