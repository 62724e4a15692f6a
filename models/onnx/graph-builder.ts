/**
 * A typed builder for ONNX graphs: declare inputs, constants (initializers) and
 * nodes, mark outputs, get the bytes of a .onnx file that onnxruntime can load.
 *
 * ```ts
 * const g = new GraphBuilder('affine');
 * const x = g.input('x', 'float32', ['batch', 3]);
 * const w = g.constant('float32', [3, 2], [1, 0, 0, 1, 1, 1]);
 * const y = g.op('Add', [g.op('MatMul', [x, w]), g.constant('float32', [2], [0.5, -0.5])]);
 * g.output(g.op('Relu', [y], {}, 'y'), 'float32', ['batch', 2]);
 * const bytes = g.toBytes(); // new ort.InferenceSession.create(bytes) / writeFile('affine.onnx', bytes)
 * ```
 *
 * Attribute values: an integral number is an INT attribute, any other number a
 * FLOAT; use `floatAttr(1)` for a float that happens to be integral. Arrays are INTS
 * (or FLOATS with `floatsAttr`), strings are STRING.
 */
import {
  encodeModel,
  type AttributeProto,
  type DataType,
  type Dim,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto.js';

export type { DataType, Dim } from './onnx-proto.js';

/** Default opset of the ai.onnx domain (ONNX 1.12; onnxruntime 1.30 supports up to 23). */
export const DEFAULT_OPSET = 17;
/** IR version that goes with opset 17. */
const IR_VERSION = 8;

const FLOAT_ATTR = Symbol('float');
const FLOATS_ATTR = Symbol('floats');
export interface FloatAttr {
  [FLOAT_ATTR]: number;
}
export interface FloatsAttr {
  [FLOATS_ATTR]: readonly number[];
}
/** Forces a FLOAT attribute (e.g. `alpha: floatAttr(1)`). */
export const floatAttr = (value: number): FloatAttr => ({ [FLOAT_ATTR]: value });
/** Forces a FLOATS attribute. */
export const floatsAttr = (value: readonly number[]): FloatsAttr => ({ [FLOATS_ATTR]: value });

export type AttrValue =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly string[]
  | FloatAttr
  | FloatsAttr
  | ConstantTensor;
export type Attrs = Record<string, AttrValue | undefined>;

/** Element data accepted for a constant: a typed array of the right kind, or plain numbers / booleans. */
export type TensorData = ArrayLike<number> | ArrayLike<bigint> | ArrayLike<boolean> | Uint8Array;

/** A tensor value for a `value`-style attribute (e.g. Constant's `value`). */
export interface ConstantTensor {
  dtype: DataType;
  dims: readonly number[];
  data: TensorData;
}

const isConstantTensor = (v: unknown): v is ConstantTensor =>
  typeof v === 'object' && v !== null && 'dtype' in v && 'dims' in v && 'data' in v;

/** Little-endian bytes of `data` as `dtype`. float16 takes raw half-float bits (Uint16Array) or numbers. */
export function tensorBytes(dtype: DataType, data: TensorData): Uint8Array {
  const n = data.length;
  let out: ArrayBufferView;
  switch (dtype) {
    case 'float32':
      out = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
      break;
    case 'float64':
      out = data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number>);
      break;
    case 'int32':
      out = data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
      break;
    case 'int64': {
      if (data instanceof BigInt64Array) out = data;
      else {
        const a = new BigInt64Array(n);
        for (let i = 0; i < n; i++) a[i] = BigInt((data as ArrayLike<number | bigint>)[i]!);
        out = a;
      }
      break;
    }
    case 'uint8':
    case 'bool':
      out = data instanceof Uint8Array ? data : Uint8Array.from(data as ArrayLike<number>, (v) => Number(v));
      break;
    case 'int8':
      out = data instanceof Int8Array ? data : Int8Array.from(data as ArrayLike<number>);
      break;
    case 'float16':
      if (data instanceof Uint16Array) out = data;
      else throw new TypeError('float16 constants take raw half-float bits in a Uint16Array');
      break;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(
    readonly name: string,
    readonly opset: number = DEFAULT_OPSET,
  ) {
    if (opset < DEFAULT_OPSET) throw new RangeError(`opset ${opset} is below the supported minimum ${DEFAULT_OPSET}`);
  }

  /** A fresh value name starting with `prefix` (names must be unique in a graph). */
  uniqueName(prefix: string): string {
    let name = prefix;
    while (this.names.has(name)) name = `${prefix}__${++this.counter}`;
    this.names.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph ${this.name}: the name '${name}' is already used`);
    this.names.add(name);
    return name;
  }

  /** Declares a graph input; a `null` or string dim is dynamic. Returns its name. */
  input(name: string, dtype: DataType, shape: readonly Dim[]): string {
    this.inputs.push({ name: this.claim(name), dtype, shape });
    return name;
  }

  /** Marks an existing value as a graph output (its name is the output's name). */
  output(name: string, dtype: DataType, shape?: readonly Dim[]): string {
    this.outputs.push({ name, dtype, shape });
    return name;
  }

  /** Adds an initializer (a constant tensor). `name` defaults to a fresh one. Returns its name. */
  constant(dtype: DataType, dims: readonly number[], data: TensorData, name?: string): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new RangeError(`constant ${name ?? ''} [${dims.join(',')}] needs ${count} values, got ${data.length}`);
    }
    const finalName = name ? this.claim(name) : this.uniqueName('const');
    this.initializers.push({ name: finalName, dtype, dims: [...dims], raw: tensorBytes(dtype, data) });
    return finalName;
  }

  /** 1-D int64 constant: the shape/axes/pads/starts inputs many ops take. */
  int64s(values: readonly number[], name?: string): string {
    return this.constant('int64', [values.length], values, name);
  }

  /** 0-D float32 constant. */
  scalar(value: number, dtype: DataType = 'float32', name?: string): string {
    return this.constant(dtype, [], [value], name);
  }

  /**
   * Adds a node; returns its output names. `outputs` is a count (names are made up
   * from the op type) or explicit names. An empty string input means "omitted optional input".
   */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Attrs = {},
    opts: { outputs?: number | readonly string[]; name?: string; domain?: string } = {},
  ): string[] {
    const spec = opts.outputs ?? 1;
    const base = opts.name ?? opType;
    const outputs =
      typeof spec === 'number'
        ? Array.from({ length: spec }, (_, i) => this.uniqueName(i === 0 ? base : `${base}:${i}`))
        : spec.map((n) => this.claim(n));
    const attributes: AttributeProto[] = [];
    for (const [key, value] of Object.entries(attrs)) {
      if (value !== undefined) attributes.push(toAttribute(key, value));
    }
    this.nodes.push({
      name: this.uniqueName(`node:${base}`),
      opType,
      domain: opts.domain,
      inputs: [...inputs],
      outputs,
      attributes,
    });
    return outputs;
  }

  /** A single-output node; `outputName` names its output exactly (else a fresh name). */
  op(opType: string, inputs: readonly string[], attrs: Attrs = {}, outputName?: string): string {
    return this.node(opType, inputs, attrs, outputName ? { outputs: [outputName] } : {})[0]!;
  }

  /** The .onnx file bytes. `metadata` lands in ModelProto.metadata_props. */
  toBytes(
    opts: {
      producerName?: string;
      producerVersion?: string;
      docString?: string;
      metadata?: Record<string, string>;
    } = {},
  ): Uint8Array {
    if (this.outputs.length === 0) throw new Error(`ONNX graph ${this.name} has no outputs`);
    return encodeModel({
      irVersion: IR_VERSION,
      opsetImports: [{ domain: '', version: this.opset }],
      producerName: opts.producerName ?? 'watchpost',
      producerVersion: opts.producerVersion ?? '0',
      docString: opts.docString,
      graph: {
        name: this.name,
        nodes: this.nodes,
        initializers: this.initializers,
        inputs: this.inputs,
        outputs: this.outputs,
      },
      metadata: opts.metadata,
    });
  }
}

function toAttribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: 'int', value } : { name, type: 'float', value };
  }
  if (typeof value === 'bigint') return { name, type: 'int', value };
  if (typeof value === 'string') return { name, type: 'string', value };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return { name, type: 'strings', value: value as string[] };
    if (value.every((v) => Number.isInteger(v))) return { name, type: 'ints', value: value as number[] };
    return { name, type: 'floats', value: value as number[] };
  }
  if (isConstantTensor(value)) {
    return {
      name,
      type: 'tensor',
      value: { name, dtype: value.dtype, dims: value.dims, raw: tensorBytes(value.dtype, value.data) },
    };
  }
  if (FLOAT_ATTR in (value as object)) return { name, type: 'float', value: (value as FloatAttr)[FLOAT_ATTR] };
  if (FLOATS_ATTR in (value as object)) return { name, type: 'floats', value: (value as FloatsAttr)[FLOATS_ATTR] };
  throw new TypeError(`attribute ${name}: unsupported value`);
}
