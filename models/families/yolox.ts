import { nms } from '../../pipeline/nms.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { gridCells, gridLevels } from './grid.js';
import { runFitted, wholeImage, type InputSpec } from './input-tensor.js';
import { ModelLayoutError, type DetectOptions, type PersonDetection, type PersonDetectorModel } from './types.js';

/** Megvii's demo NMS IoU. */
const YOLOX_NMS_IOU = 0.45;

/**
 * Decodes a YOLOX head, [1, N, 5 + C] over the stride 8/16/32 grids of a
 * width x height input: x, y (cell offsets), log w, log h (in strides), objectness,
 * C class scores; score = objectness x class score.
 */
export function decodeYolox(
  output: Float32Array,
  dims: readonly number[],
  input: { width: number; height: number },
  classId: number,
  minScore: number,
): PersonDetection[] {
  const levels = gridLevels(input.width, input.height);
  const expected = levels.reduce((s, l) => s + l.cols * l.rows, 0);
  const n = dims.at(-2)!,
    row = dims.at(-1)!;
  if (dims.length !== 3 || n !== expected || row < 6) {
    throw new ModelLayoutError(
      `YOLOX output must be [1, ${expected}, 5+classes] for a ${input.width}x${input.height} input, got [${dims.join(',')}]`,
    );
  }
  if (classId >= row - 5)
    throw new ModelLayoutError(`YOLOX output has ${row - 5} classes; class ${classId} does not exist`);
  const candidates: PersonDetection[] = [];
  let i = 0;
  for (const { gx, gy, stride } of gridCells(levels)) {
    const o = i++ * row;
    const score = output[o + 4]! * output[o + 5 + classId]!;
    if (!(score >= minScore)) continue;
    const cx = (output[o]! + gx) * stride,
      cy = (output[o + 1]! + gy) * stride;
    const w = Math.exp(output[o + 2]!) * stride,
      h = Math.exp(output[o + 3]!) * stride;
    candidates.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score });
  }
  return nms(candidates, { iouThreshold: YOLOX_NMS_IOU });
}

/** Bring-your-own YOLOX ONNX export: NCHW BGR 0-255, top-left letterbox on grey 114. */
export class YoloxDetector implements PersonDetectorModel {
  readonly family = 'yolox';
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
      order: 'bgr',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      fill: 114,
    };
  }

  async detect(img: DecodedImage, opts: DetectOptions): Promise<PersonDetection[]> {
    const { out, place } = await runFitted(this.session, img, opts.region ?? wholeImage(img), this.spec, 'topleft');
    const head = out[this.session.outputs[0]!.name]!;
    return decodeYolox(head.data, head.dims, this.spec, this.classId, opts.minScore).map((p) => ({
      box: place.box(p.box),
      score: p.score,
    }));
  }
}
