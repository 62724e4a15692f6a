/** Every TF.js op the converter translates, by TF op name. */
import type { ConversionContext } from '../conversion-context.js';
import type { TfNode } from '../tfjs-graph.js';
import { convolution, maxPool, resizeBilinear } from './conv-ops.js';
import { cast, direct, equal, floorDiv, floorMod, matMul, placeholder, relu6, softmax } from './elementwise-ops.js';
import { concat, expandDims, gather, mean, pad, reshape, stridedSlice, topK } from './shape-ops.js';

export type OpConverter = (node: TfNode, ctx: ConversionContext) => void;

export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  Placeholder: placeholder,
  Identity: direct('Identity'),
  Conv2D: convolution(false, false),
  _FusedConv2D: convolution(false, true),
  DepthwiseConv2dNative: convolution(true, false),
  FusedDepthwiseConv2dNative: convolution(true, true),
  MaxPool: maxPool,
  ResizeBilinear: resizeBilinear,
  MatMul: matMul(false),
  _FusedMatMul: matMul(true),
  Add: direct('Add'),
  AddV2: direct('Add'),
  Sub: direct('Sub'),
  Mul: direct('Mul'),
  RealDiv: direct('Div'),
  Maximum: direct('Max'),
  Minimum: direct('Min'),
  Relu: direct('Relu'),
  Relu6: relu6,
  Sigmoid: direct('Sigmoid'),
  Tanh: direct('Tanh'),
  Softmax: softmax,
  Equal: equal,
  Cast: cast,
  FloorDiv: floorDiv,
  FloorMod: floorMod,
  Reshape: reshape,
  ExpandDims: expandDims,
  ConcatV2: concat,
  Pad: pad,
  PadV2: pad,
  Mean: mean,
  TopKV2: topK,
  GatherV2: gather,
  StridedSlice: stridedSlice,
};
