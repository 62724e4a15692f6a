/** Element-wise and per-row ops: the same semantics (numpy broadcasting) in TF and ONNX. */
import type { Dim } from '../../onnx/graph-builder.js';
import { DATA_TYPE } from '../../onnx/onnx-proto.js';
import type { ConversionContext } from '../conversion-context.js';
import { UnsupportedOpError } from '../errors.js';
import { attrs, onnxDtype, type TfNode } from '../tfjs-graph.js';
import { applyActivation, fusedSteps } from './activation.js';

/** An op that maps one-to-one; the output has the first input's element type. */
export function direct(onnxOp: string) {
  return (node: TfNode, ctx: ConversionContext): void => {
    const inputs = ctx.inputs(node);
    ctx.emit(
      node,
      onnxOp,
      inputs.map((r) => ctx.value(r)),
      {},
      ctx.dtype(inputs[0]!),
    );
  };
}

export function equal(node: TfNode, ctx: ConversionContext): void {
  ctx.emit(
    node,
    'Equal',
    ctx.inputs(node).map((r) => ctx.value(r)),
    {},
    'bool',
  );
}

export function relu6(node: TfNode, ctx: ConversionContext): void {
  const [x] = ctx.inputs(node);
  ctx.emit(node, 'Clip', [ctx.value(x!), ctx.g.scalar(0), ctx.g.scalar(6)], {}, 'float32');
}

export function softmax(node: TfNode, ctx: ConversionContext): void {
  const [x] = ctx.inputs(node);
  ctx.emit(node, 'Softmax', [ctx.value(x!)], { axis: -1 }, ctx.dtype(x!));
}

export function cast(node: TfNode, ctx: ConversionContext): void {
  const [x] = ctx.inputs(node);
  const to = onnxDtype(attrs.type(node, 'DstT') ?? '', `${node.op} ${node.name}`);
  ctx.emit(node, 'Cast', [ctx.value(x!)], { to: DATA_TYPE[to] }, to);
}

const isInteger = (dtype: string) => dtype === 'int32' || dtype === 'int64';

/** Python-style floor division: ONNX Div truncates integers towards zero, so subtract the floor-mod first. */
export function floorDiv(node: TfNode, ctx: ConversionContext): void {
  const [aRef, bRef] = ctx.inputs(node);
  const [a, b] = [ctx.value(aRef!), ctx.value(bRef!)];
  const dtype = ctx.dtype(aRef!);
  if (isInteger(dtype)) {
    const exact = ctx.tmp(node, 'Sub', [a, ctx.tmp(node, 'Mod', [a, b], { fmod: 0 })]);
    ctx.emit(node, 'Div', [exact, b], {}, dtype);
  } else {
    ctx.emit(node, 'Floor', [ctx.tmp(node, 'Div', [a, b])], {}, dtype);
  }
}

/** Python-style modulo (result has the divisor's sign). */
export function floorMod(node: TfNode, ctx: ConversionContext): void {
  const [aRef, bRef] = ctx.inputs(node);
  const [a, b] = [ctx.value(aRef!), ctx.value(bRef!)];
  const dtype = ctx.dtype(aRef!);
  if (isInteger(dtype)) {
    ctx.emit(node, 'Mod', [a, b], { fmod: 0 }, dtype);
  } else {
    // ONNX Mod on floats only has C fmod semantics: a - floor(a / b) * b instead.
    const q = ctx.tmp(node, 'Floor', [ctx.tmp(node, 'Div', [a, b])]);
    ctx.emit(node, 'Sub', [a, ctx.tmp(node, 'Mul', [q, b])], {}, dtype);
  }
}

/** _FusedMatMul / MatMul: optional transposes, bias and activation. */
export function matMul(fused: boolean) {
  return (node: TfNode, ctx: ConversionContext): void => {
    const [aRef, bRef, ...args] = ctx.inputs(node);
    let a = ctx.value(aRef!);
    let b = ctx.value(bRef!);
    if (attrs.bool(node, 'transpose_a')) a = ctx.tmp(node, 'Transpose', [a], { perm: [1, 0] });
    if (attrs.bool(node, 'transpose_b')) b = ctx.tmp(node, 'Transpose', [b], { perm: [1, 0] });
    const steps = fused ? fusedSteps(node) : { bias: false };
    let y = ctx.tmp(node, 'MatMul', [a, b]);
    if (steps.bias) y = ctx.tmp(node, 'Add', [y, ctx.value(args[0]!)]);
    if (steps.activation) y = applyActivation(ctx, node, steps.activation, y, args[1], true);
    ctx.emit(node, 'Identity', [y], {}, 'float32');
  };
}

/** -1 dims become dynamic ones; the first is named `batch`. */
export const placeholderDims = (name: string, shape: number[]): Dim[] =>
  shape.map((d, i) => (d >= 0 ? d : i === 0 ? 'batch' : `${name}_dim${i}`));

/** Placeholder -> graph input. */
export function placeholder(node: TfNode, ctx: ConversionContext): void {
  const dtype = onnxDtype(attrs.type(node, 'dtype') ?? '', `Placeholder ${node.name}`);
  const shape = attrs.shape(node, 'shape');
  if (!shape) throw new UnsupportedOpError(node.op, node.name, 'an input without a static rank');
  ctx.g.input(node.name, dtype, placeholderDims(node.name, shape));
  ctx.define(node.name, node.name, dtype);
}
