/** Activations that TF fuses into conv / matmul nodes (`fused_ops`), applied as separate ONNX ops. */
import { floatAttr } from '../../onnx/graph-builder.js';
import type { ConversionContext } from '../conversion-context.js';
import { UnsupportedOpError } from '../errors.js';
import { attrs, type TfNode } from '../tfjs-graph.js';

/**
 * Applies `activation` to `x`. `channelsAxis` says where channels are in `x` (1 for
 * NCHW conv output, -1 for matmul output) so a per-channel PReLU slope broadcasts.
 */
export function applyActivation(
  ctx: ConversionContext,
  node: TfNode,
  activation: string,
  x: string,
  preluRef: string | undefined,
  channelsLast: boolean,
): string {
  switch (activation) {
    case 'Relu':
      return ctx.tmp(node, 'Relu', [x]);
    case 'Relu6':
      return ctx.tmp(node, 'Clip', [x, ctx.g.scalar(0), ctx.g.scalar(6)]);
    case 'Elu':
      return ctx.tmp(node, 'Elu', [x], { alpha: floatAttr(1) });
    case 'Sigmoid':
      return ctx.tmp(node, 'Sigmoid', [x]);
    case 'LeakyRelu':
      return ctx.tmp(node, 'LeakyRelu', [x], { alpha: floatAttr(attrs.float(node, 'leakyrelu_alpha', 0.2)) });
    case 'Prelu': {
      if (!preluRef) throw new UnsupportedOpError(node.op, node.name, 'Prelu without a slope input');
      const slope = ctx.constNumbers(node, preluRef, 'the PReLU slope');
      const shape = channelsLast ? [slope.length] : [slope.length, 1, 1];
      return ctx.tmp(node, 'PRelu', [x, ctx.g.constant('float32', shape, slope)]);
    }
    default:
      throw new UnsupportedOpError(node.op, node.name, `fused activation '${activation}'`);
  }
}

/** Splits `fused_ops` into the bias step (must be BiasAdd when present) and the optional activation. */
export function fusedSteps(node: TfNode): { bias: boolean; activation?: string } {
  const ops = attrs.strings(node, 'fused_ops');
  if (ops.length === 0) return { bias: false };
  if (ops[0] !== 'BiasAdd')
    throw new UnsupportedOpError(node.op, node.name, `fused '${ops[0]}' (only BiasAdd is supported)`);
  if (ops.length > 2) throw new UnsupportedOpError(node.op, node.name, `fused ops ${ops.join('+')}`);
  return { bias: true, activation: ops[1] };
}
