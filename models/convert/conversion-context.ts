/**
 * State of one TF.js -> ONNX conversion: which ONNX value each TF tensor became,
 * element types, constants, and helpers the op converters share.
 *
 * Layout: every value keeps TF's NHWC layout; ops that ONNX defines on NCHW (Conv,
 * pooling, Resize) are wrapped in Transposes. onnxruntime's transpose optimiser
 * cancels the back-to-back pairs, so the graph keeps TF's semantics without a
 * layout analysis here.
 */
import type { GraphBuilder, Attrs, DataType } from '../onnx/graph-builder.js';
import { ModelFormatError, UnsupportedOpError } from './errors.js';
import { parseRef, type TfNode } from './tfjs-graph.js';
import type { WeightTensor } from './tfjs-weights.js';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

export class ConversionContext {
  /** TF tensor ref (`node` or `node:i`) -> ONNX value name. */
  private readonly values = new Map<string, string>();
  private readonly dtypes = new Map<string, DataType>();
  private readonly nchwCache = new Map<string, string>();

  constructor(
    readonly g: GraphBuilder,
    private readonly nodes: Map<string, TfNode>,
    private readonly weights: Map<string, WeightTensor>,
  ) {}

  private key(ref: string): string {
    const { node, index } = parseRef(ref);
    return index === 0 ? node : `${node}:${index}`;
  }

  /** Data inputs of a node (control edges dropped). */
  inputs(node: TfNode): string[] {
    return (node.input ?? []).filter((r) => !r.startsWith('^'));
  }

  /** The constant behind a TF ref, or undefined when it is computed at run time. */
  constant(ref: string): WeightTensor | undefined {
    const { node } = parseRef(ref);
    const n = this.nodes.get(node);
    if (n?.op === 'Const') return this.weights.get(node);
    if (n?.op === 'Identity' && n.input?.[0]) return this.constant(n.input[0]);
    return undefined;
  }

  /** The constant's values as numbers; throws naming the node when the input is computed. */
  constNumbers(node: TfNode, ref: string, what: string): number[] {
    const c = this.constant(ref);
    if (!c) throw new UnsupportedOpError(node.op, node.name, `${what} must be a constant`);
    return Array.from(c.data as ArrayLike<number>);
  }

  /** ONNX value name of a TF ref, emitting a constant as an initializer on first use. */
  value(ref: string): string {
    const key = this.key(ref);
    const known = this.values.get(key);
    if (known) return known;
    const { node } = parseRef(ref);
    const n = this.nodes.get(node);
    if (n?.op === 'Const') {
      const w = this.weights.get(node);
      if (!w) throw new ModelFormatError(`constant '${node}' has no entry in the weights manifest`);
      const dtype: DataType = w.dtype === 'bool' ? 'bool' : w.dtype;
      const name = this.g.constant(dtype, w.shape, w.data, node);
      this.define(key, name, dtype);
      return name;
    }
    throw new ModelFormatError(`tensor '${ref}' is used before it is produced (missing node or a cycle)`);
  }

  dtype(ref: string): DataType {
    const name = this.value(ref);
    const t = this.dtypes.get(name);
    if (!t) throw new ModelFormatError(`no element type known for '${ref}'`);
    return t;
  }

  /** Records that TF ref `key` is ONNX value `name`. */
  define(key: string, name: string, dtype: DataType): void {
    this.values.set(this.key(key), name);
    this.dtypes.set(name, dtype);
  }

  /** ONNX name for output `index` of a TF node: the TF tensor name itself, so names survive conversion. */
  outName(node: TfNode, index = 0): string {
    return index === 0 ? node.name : `${node.name}:${index}`;
  }

  /** Emits the op producing output `index` of `node` (named after the TF tensor) and records it. */
  emit(node: TfNode, opType: string, inputs: string[], attributes: Attrs, dtype: DataType, index = 0): string {
    const name = this.g.op(opType, inputs, attributes, this.outName(node, index));
    this.define(this.outName(node, index), name, dtype);
    return name;
  }

  /** An intermediate op inside the translation of `node`; '#' cannot occur in TF names, so no clash. */
  tmp(node: TfNode, opType: string, inputs: string[], attributes: Attrs = {}): string {
    return this.g.node(opType, inputs, attributes, { name: `${node.name}#${opType}` })[0]!;
  }

  /** NCHW view of an NHWC value (one Transpose per value, shared by every conv reading it). */
  toNchw(node: TfNode, value: string): string {
    let t = this.nchwCache.get(value);
    if (!t) {
      t = this.tmp(node, 'Transpose', [value], { perm: NHWC_TO_NCHW });
      this.nchwCache.set(value, t);
    }
    return t;
  }
}
