/**
 * CenterNet for wide frames. The model is fully convolutional, but its TF.js graph was
 * frozen for 512x512 input: the upsampling sizes of the feature pyramid and the shape
 * the box regressions are gathered from are constants. Rewriting those four constants
 * (and the input) gives the same network on a 512x288 input: a 16:9 camera frame
 * without the 44% of black bars a square letterbox adds, and 44% less computation.
 */
import { ModelFormatError } from '../convert/errors.js';
import type { TfjsGraphModelJson } from '../convert/tfjs-graph.js';
import type { WeightTensor } from '../convert/tfjs-weights.js';
import { CENTERNET_WIDE } from '../families/centernet.js';

const INPUT = 'tower_0/images';
/** Upsampling sizes of the pyramid levels at strides 16, 8 and 4, as frozen for 512x512. */
const UPSAMPLE: Record<string, number> = {
  'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul': 16,
  'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul': 8,
  'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul': 4,
};
/** [rows x cols of the stride-4 output, 4]: the box sizes are gathered from this reshape. */
const GATHER_SHAPE = 'tower_0/BatchGather/concat';
/** Columns of the stride-4 output, used to turn a flat index into (row, col): unchanged at width 512. */
const OUTPUT_COLS = 'tower_0/strided_slice_6';

function constant(weights: Map<string, WeightTensor>, name: string, expected: number[]): WeightTensor {
  const w = weights.get(name);
  if (w?.dtype !== 'int32' || w.data.length !== expected.length || expected.some((v, i) => w.data[i] !== v)) {
    throw new ModelFormatError(
      `centernet: constant ${name} is not ${JSON.stringify(expected)} (a different model version?)`,
    );
  }
  return w;
}

/** Rewrites the 512x512 CenterNet graph (in place) for a 512 x `height` input. */
export function widenCenternet(
  model: TfjsGraphModelJson,
  weights: Map<string, WeightTensor>,
  height: number = CENTERNET_WIDE.height,
): void {
  if (!Number.isInteger(height) || height <= 0 || height % 32)
    throw new ModelFormatError(`centernet: input height ${height} is not a positive multiple of 32`);
  const input = model.modelTopology.node.find((n) => n.name === INPUT && n.op === 'Placeholder');
  const dims = input?.attr?.shape?.shape?.dim;
  if (dims?.map((d) => Number(d.size)).join() !== '1,512,512,3')
    throw new ModelFormatError(`centernet: input ${INPUT} is not [1,512,512,3]`);
  // Everything is checked before anything changes.
  constant(weights, OUTPUT_COLS, [128]);
  const upsample = Object.entries(UPSAMPLE).map(([name, stride]) => ({
    w: constant(weights, name, [512 / stride, 512 / stride]),
    stride,
  }));
  const gather = constant(weights, GATHER_SHAPE, [128 * 128, 4]);
  for (const { w, stride } of upsample) w.data.set([height / stride, 512 / stride]);
  gather.data.set([(height / 4) * 128, 4]);
  dims[1] = { size: String(height) };
  // The signature declares the same shapes: the input, and the stride-4 maps' rows.
  const sig = model.signature;
  const sigInput = sig?.inputs?.[INPUT]?.tensorShape?.dim;
  if (sigInput) sigInput[1] = { size: String(height) };
  for (const out of Object.values(sig?.outputs ?? {})) {
    const d = out.tensorShape?.dim;
    if (d?.length === 4 && Number(d[1]!.size) === 128) d[1] = { size: String(height / 4) };
  }
}
