import { nms } from '../../pipeline/nms.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { runFitted, wholeImage, type InputSpec } from './input-tensor.js';
import { ModelLayoutError, type DetectOptions, type PersonDetection, type PersonDetectorModel } from './types.js';

/** Ultralytics' default NMS IoU. */
const YOLO_NMS_IOU = 0.45;

/**
 * Decodes an Ultralytics YOLOv8/YOLO11 head, [1, 4 + C, N]: centre x, centre y, width,
 * height (input pixels), then C class scores (already sigmoid). Keeps `classId`.
 */
export function decodeYolo(
  output: Float32Array,
  dims: readonly number[],
  classId: number,
  minScore: number,
): PersonDetection[] {
  if (dims.length !== 3 || dims[1]! < 5)
    throw new ModelLayoutError(`YOLO output must be [1, 4+classes, N], got [${dims.join(',')}]`);
  const rows = dims[1]!,
    n = dims[2]!;
  if (classId >= rows - 4)
    throw new ModelLayoutError(`YOLO output has ${rows - 4} classes; class ${classId} does not exist`);
  const candidates: PersonDetection[] = [];
  for (let i = 0; i < n; i++) {
    const score = output[(4 + classId) * n + i]!;
    if (!(score >= minScore)) continue;
    const cx = output[i]!,
      cy = output[n + i]!,
      w = output[2 * n + i]!,
      h = output[3 * n + i]!;
    candidates.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score });
  }
  return nms(candidates, { iouThreshold: YOLO_NMS_IOU });
}

/** Bring-your-own Ultralytics YOLOv8/YOLO11 ONNX export: NCHW RGB 0-1, centred letterbox on grey 114. */
export class YoloDetector implements PersonDetectorModel {
  readonly family = 'yolo';
  private readonly spec: InputSpec;

  constructor(
    private readonly session: ModelSession,
    inputSize: number,
    private readonly classId = 0,
  ) {
    this.spec = {
      width: inputSize,
      height: inputSize,
      layout: 'nchw',
      order: 'rgb',
      mean: [0, 0, 0],
      std: [255, 255, 255],
      fill: 114,
    };
  }

  async detect(img: DecodedImage, opts: DetectOptions): Promise<PersonDetection[]> {
    const { out, place } = await runFitted(this.session, img, opts.region ?? wholeImage(img), this.spec, 'center');
    const head = out[this.session.outputs[0]!.name]!;
    return decodeYolo(head.data, head.dims, this.classId, opts.minScore).map((p) => ({
      box: place.box(p.box),
      score: p.score,
    }));
  }
}
