/** Ops on shapes and indices. Their shape/axis/size arguments must be constants (true for every supported model). */
import { DATA_TYPE } from '../../onnx/onnx-proto.js';
import type { ConversionContext } from '../conversion-context.js';
import { UnsupportedOpError } from '../errors.js';
import { attrs, type TfNode } from '../tfjs-graph.js';

export function reshape(node: TfNode, ctx: ConversionContext): void {
  const [x, shapeRef] = ctx.inputs(node);
  const shape = ctx.constNumbers(node, shapeRef!, 'the target shape');
  ctx.emit(node, 'Reshape', [ctx.value(x!), ctx.g.int64s(shape)], {}, ctx.dtype(x!));
}

export function expandDims(node: TfNode, ctx: ConversionContext): void {
  const [x, axisRef] = ctx.inputs(node);
  const axes = ctx.constNumbers(node, axisRef!, 'the axis');
  ctx.emit(node, 'Unsqueeze', [ctx.value(x!), ctx.g.int64s(axes)], {}, ctx.dtype(x!));
}

export function concat(node: TfNode, ctx: ConversionContext): void {
  const inputs = ctx.inputs(node);
  const [axis] = ctx.constNumbers(node, inputs.at(-1)!, 'the axis');
  const parts = inputs.slice(0, -1);
  ctx.emit(
    node,
    'Concat',
    parts.map((r) => ctx.value(r)),
    { axis: axis! },
    ctx.dtype(parts[0]!),
  );
}

/** Pad / PadV2 (constant mode). TF paddings [[before, after] per dim] -> ONNX [befores..., afters...]. */
export function pad(node: TfNode, ctx: ConversionContext): void {
  const [x, padsRef, valueRef] = ctx.inputs(node);
  const pairs = ctx.constNumbers(node, padsRef!, 'the paddings');
  const before = pairs.filter((_, i) => i % 2 === 0);
  const after = pairs.filter((_, i) => i % 2 === 1);
  const inputs = [ctx.value(x!), ctx.g.int64s([...before, ...after])];
  if (valueRef) inputs.push(ctx.value(valueRef));
  ctx.emit(node, 'Pad', inputs, { mode: 'constant' }, ctx.dtype(x!));
}

/** Mean over constant axes (ReduceMean takes axes as an attribute up to opset 17). */
export function mean(node: TfNode, ctx: ConversionContext): void {
  const [x, axesRef] = ctx.inputs(node);
  const axes = ctx.constNumbers(node, axesRef!, 'the reduction axes');
  ctx.emit(
    node,
    'ReduceMean',
    [ctx.value(x!)],
    { axes, keepdims: attrs.bool(node, 'keep_dims') ? 1 : 0 },
    ctx.dtype(x!),
  );
}

/** TopKV2 on the last axis; ONNX indices are int64, TF's int32, so they are cast back. */
export function topK(node: TfNode, ctx: ConversionContext): void {
  const [x, kRef] = ctx.inputs(node);
  const k = ctx.constNumbers(node, kRef!, 'k');
  if (!attrs.bool(node, 'sorted', true)) throw new UnsupportedOpError(node.op, node.name, 'sorted=false');
  const [values, indices] = ctx.g.node(
    'TopK',
    [ctx.value(x!), ctx.g.int64s(k)],
    { axis: -1, largest: 1, sorted: 1 },
    {
      outputs: [ctx.outName(node, 0), `${node.name}#indices64`],
    },
  );
  ctx.define(ctx.outName(node, 0), values!, ctx.dtype(x!));
  ctx.emit(node, 'Cast', [indices!], { to: DATA_TYPE.int32 }, 'int32', 1);
}

export function gather(node: TfNode, ctx: ConversionContext): void {
  const [params, indices, axisRef] = ctx.inputs(node);
  const [axis] = axisRef ? ctx.constNumbers(node, axisRef, 'the axis') : [0];
  if (attrs.int(node, 'batch_dims') !== 0) throw new UnsupportedOpError(node.op, node.name, 'batch_dims != 0');
  ctx.emit(node, 'Gather', [ctx.value(params!), ctx.value(indices!)], { axis: axis! }, ctx.dtype(params!));
}

const INT64_MAX = Number.MAX_SAFE_INTEGER;
const INT64_MIN = -Number.MAX_SAFE_INTEGER;

/**
 * StridedSlice with constant begin/end/strides over the leading dims; begin/end
 * masks and shrink_axis_mask are supported, ellipsis and new-axis masks are not.
 */
export function stridedSlice(node: TfNode, ctx: ConversionContext): void {
  const [x, beginRef, endRef, stridesRef] = ctx.inputs(node);
  const begin = ctx.constNumbers(node, beginRef!, 'begin');
  const end = ctx.constNumbers(node, endRef!, 'end');
  const strides = ctx.constNumbers(node, stridesRef!, 'strides');
  for (const mask of ['ellipsis_mask', 'new_axis_mask']) {
    if (attrs.int(node, mask) !== 0) throw new UnsupportedOpError(node.op, node.name, `${mask} != 0`);
  }
  const beginMask = attrs.int(node, 'begin_mask');
  const endMask = attrs.int(node, 'end_mask');
  const shrinkMask = attrs.int(node, 'shrink_axis_mask');
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  const shrink: number[] = [];
  begin.forEach((b, i) => {
    const s = strides[i]!;
    const bit = 1 << i;
    if (shrinkMask & bit) {
      starts.push(b);
      ends.push(b === -1 ? INT64_MAX : b + 1);
      steps.push(1);
      shrink.push(i);
      return;
    }
    starts.push(beginMask & bit ? (s > 0 ? 0 : INT64_MAX) : b);
    ends.push(endMask & bit ? (s > 0 ? INT64_MAX : INT64_MIN) : end[i]!);
    steps.push(s);
  });
  const axes = begin.map((_, i) => i);
  const g = ctx.g;
  const sliceInputs = [ctx.value(x!), g.int64s(starts), g.int64s(ends), g.int64s(axes), g.int64s(steps)];
  const dtype = ctx.dtype(x!);
  if (shrink.length === 0) {
    ctx.emit(node, 'Slice', sliceInputs, {}, dtype);
  } else {
    ctx.emit(node, 'Squeeze', [ctx.tmp(node, 'Slice', sliceInputs), g.int64s(shrink)], {}, dtype);
  }
}
