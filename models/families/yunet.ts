import type { Point } from '../../pipeline/geometry.js';
import { nms } from '../../pipeline/nms.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession, TensorData } from '../session.js';
import { runFitted, wholeImage, type InputSpec } from './input-tensor.js';
import { ModelLayoutError, type DetectOptions, type FaceDetection, type FaceDetectorModel } from './types.js';

/** OpenCV FaceDetectorYN's default NMS IoU. */
const YUNET_NMS_IOU = 0.3;
const STRIDES = [8, 16, 32] as const;

/** One stride of YuNet's head: per cell a class and objectness score, a box and 5 landmarks. */
export interface YunetLevel {
  stride: number;
  cls: Float32Array;
  obj: Float32Array;
  bbox: Float32Array;
  kps: Float32Array;
}

/**
 * Decodes YuNet (libfacedetection) heads into faces in input pixels. Anchor = cell
 * corner (gx·s, gy·s); centre = bbox[0..1]·s + anchor; size = exp(bbox[2..3])·s;
 * landmarks = kps·s + anchor; score = sqrt(cls·obj), as OpenCV computes it.
 */
export function decodeYunet(
  levels: readonly YunetLevel[],
  input: { width: number; height: number },
  minScore: number,
): FaceDetection[] {
  const candidates: FaceDetection[] = [];
  for (const { stride, cls, obj, bbox, kps } of levels) {
    const cols = Math.ceil(input.width / stride);
    const rows = Math.ceil(input.height / stride);
    if (cls.length !== cols * rows)
      throw new ModelLayoutError(`YuNet stride ${stride}: expected ${cols * rows} cells, got ${cls.length}`);
    for (let i = 0; i < cls.length; i++) {
      const score = Math.sqrt(Math.min(1, Math.max(0, cls[i]!)) * Math.min(1, Math.max(0, obj[i]!)));
      if (!(score >= minScore)) continue;
      const ax = (i % cols) * stride,
        ay = Math.floor(i / cols) * stride;
      const cx = bbox[i * 4]! * stride + ax,
        cy = bbox[i * 4 + 1]! * stride + ay;
      const w = Math.exp(bbox[i * 4 + 2]!) * stride,
        h = Math.exp(bbox[i * 4 + 3]!) * stride;
      const keypoints: Point[] = [];
      for (let k = 0; k < 5; k++)
        keypoints.push([kps[i * 10 + 2 * k]! * stride + ax, kps[i * 10 + 2 * k + 1]! * stride + ay]);
      candidates.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, keypoints });
    }
  }
  return nms(candidates, { iouThreshold: YUNET_NMS_IOU });
}

/** Bring-your-own YuNet ONNX (OpenCV zoo): NCHW BGR 0-255, top-left letterbox on black. */
export class YunetDetector implements FaceDetectorModel {
  readonly family = 'yunet';
  private readonly spec: InputSpec;

  constructor(
    private readonly session: ModelSession,
    inputSize: number,
  ) {
    this.spec = {
      width: inputSize,
      height: inputSize,
      layout: 'nchw',
      order: 'bgr',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      fill: 0,
    };
  }

  async detect(img: DecodedImage, opts: DetectOptions): Promise<FaceDetection[]> {
    const { out, place } = await runFitted(this.session, img, opts.region ?? wholeImage(img), this.spec, 'topleft');
    const get = (name: string): TensorData => {
      const t = out[name];
      if (!t) throw new ModelLayoutError(`YuNet model has no output ${name} (outputs: ${Object.keys(out).join(', ')})`);
      return t;
    };
    const levels = STRIDES.map((stride) => ({
      stride,
      cls: get(`cls_${stride}`).data,
      obj: get(`obj_${stride}`).data,
      bbox: get(`bbox_${stride}`).data,
      kps: get(`kps_${stride}`).data,
    }));
    return decodeYunet(levels, this.spec, opts.minScore).map((f) => ({
      box: place.box(f.box),
      score: f.score,
      keypoints: f.keypoints.map(place.point),
    }));
  }
}
