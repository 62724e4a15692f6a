/** Convolutions and pooling: TF NHWC ops run as ONNX NCHW ops between Transposes. */
import type { ConversionContext } from '../conversion-context.js';
import { NCHW_TO_NHWC } from '../conversion-context.js';
import { UnsupportedOpError } from '../errors.js';
import { convFilter, depthwiseFilter } from '../filter-layout.js';
import { attrs, type TfNode } from '../tfjs-graph.js';
import { applyActivation, fusedSteps } from './activation.js';

/** TF padding attribute -> ONNX auto_pad or explicit pads ([top, left, bottom, right]). */
function padding(node: TfNode): { auto_pad?: string; pads?: number[] } {
  const mode = attrs.string(node, 'padding');
  if (mode === 'SAME') return { auto_pad: 'SAME_UPPER' }; // TF puts the odd pixel at the end, as SAME_UPPER does
  if (mode === 'VALID') return { auto_pad: 'VALID' };
  if (mode === 'EXPLICIT') {
    const p = attrs.ints(node, 'explicit_paddings'); // NHWC pairs: [0,0, top,bottom, left,right, 0,0]
    return { pads: [p[2]!, p[4]!, p[3]!, p[5]!] };
  }
  throw new UnsupportedOpError(node.op, node.name, `padding '${mode}'`);
}

function requireNhwc(node: TfNode): void {
  const format = attrs.string(node, 'data_format', 'NHWC');
  if (format !== 'NHWC') throw new UnsupportedOpError(node.op, node.name, `data_format ${format}`);
}

/** [1, h, w, 1] -> [h, w]. */
const spatial = (v: number[], fallback: number): number[] => (v.length === 4 ? [v[1]!, v[2]!] : [fallback, fallback]);

/** Conv2D, DepthwiseConv2dNative and their fused variants (bias + activation). */
export function convolution(depthwise: boolean, fused: boolean) {
  return (node: TfNode, ctx: ConversionContext): void => {
    requireNhwc(node);
    const [xRef, filterRef, ...args] = ctx.inputs(node);
    const filter = ctx.constant(filterRef!);
    if (!filter) throw new UnsupportedOpError(node.op, node.name, 'the filter must be a constant');
    const shape = filter.shape as [number, number, number, number];
    const weights = depthwise ? depthwiseFilter(filter.data, shape) : convFilter(filter.data, shape);
    const [kh, kw, ci, co] = shape;
    const onnxShape = depthwise ? [ci * co, 1, kh, kw] : [co, ci, kh, kw];
    const steps = fused ? fusedSteps(node) : { bias: false };
    const inputs = [ctx.toNchw(node, ctx.value(xRef!)), ctx.g.constant('float32', onnxShape, weights)];
    if (steps.bias) inputs.push(ctx.value(args[0]!));
    let y = ctx.tmp(node, 'Conv', inputs, {
      ...padding(node),
      strides: spatial(attrs.ints(node, 'strides'), 1),
      dilations: spatial(attrs.ints(node, 'dilations'), 1),
      kernel_shape: [kh, kw],
      group: depthwise ? ci : 1,
    });
    if (steps.activation) y = applyActivation(ctx, node, steps.activation, y, args[1], false);
    ctx.emit(node, 'Transpose', [y], { perm: NCHW_TO_NHWC }, 'float32');
  };
}

/** MaxPool (padded cells never win, as in TF). */
export function maxPool(node: TfNode, ctx: ConversionContext): void {
  requireNhwc(node);
  const [xRef] = ctx.inputs(node);
  const y = ctx.tmp(node, 'MaxPool', [ctx.toNchw(node, ctx.value(xRef!))], {
    ...padding(node),
    kernel_shape: spatial(attrs.ints(node, 'ksize'), 1),
    strides: spatial(attrs.ints(node, 'strides'), 1),
  });
  ctx.emit(node, 'Transpose', [y], { perm: NCHW_TO_NHWC }, ctx.dtype(xRef!));
}

/** ResizeBilinear to a constant [height, width]. */
export function resizeBilinear(node: TfNode, ctx: ConversionContext): void {
  const [xRef, sizeRef] = ctx.inputs(node);
  const [h, w] = ctx.constNumbers(node, sizeRef!, 'the output size');
  const alignCorners = attrs.bool(node, 'align_corners');
  const halfPixel = attrs.bool(node, 'half_pixel_centers');
  const x = ctx.toNchw(node, ctx.value(xRef!));
  const batchAndChannels = ctx.tmp(node, 'Slice', [ctx.tmp(node, 'Shape', [x]), ctx.g.int64s([0]), ctx.g.int64s([2])]);
  const sizes = ctx.tmp(node, 'Concat', [batchAndChannels, ctx.g.int64s([h!, w!])], { axis: 0 });
  const y = ctx.tmp(node, 'Resize', [x, '', '', sizes], {
    mode: 'linear',
    coordinate_transformation_mode: alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric',
  });
  ctx.emit(node, 'Transpose', [y], { perm: NCHW_TO_NHWC }, ctx.dtype(xRef!));
}
