import { nms } from '../../pipeline/nms.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { rawRgbNhwc, runFitted, wholeImage, type InputSpec } from './input-tensor.js';
import { outputByShape, type DetectOptions, type PersonDetection, type PersonDetectorModel } from './types.js';

export const CENTERNET_SIZE = 512;
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
 */
export class CenternetDetector implements PersonDetectorModel {
  readonly family = 'centernet';
  private readonly spec: InputSpec = rawRgbNhwc(CENTERNET_SIZE);

  constructor(private readonly session: ModelSession) {}

  async detect(img: DecodedImage, opts: DetectOptions): Promise<PersonDetection[]> {
    const { out, place } = await runFitted(this.session, img, opts.region ?? wholeImage(img), this.spec, 'center');
    const det = outputByShape(out, 'CenterNet detections [1,K,6]', (d) => d.length === 3 && d[2] === 6);
    return decodeCenternet(det.data, opts.minScore).map((p) => ({ box: place.box(p.box), score: p.score }));
  }
}
