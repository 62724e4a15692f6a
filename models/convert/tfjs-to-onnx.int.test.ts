import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { UnsupportedOpError } from './errors.js';
import type { TfjsGraphModelJson, TfNode } from './tfjs-graph.js';
import { loadTfjsGraphModelFromMemory, runTfjs } from '../../test/models/tfjs-reference.js';
import { convertTfjsGraph } from './tfjs-to-onnx.js';
import { decodeWeights, halfToFloat, type WeightSpec } from './tfjs-weights.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const T = (type: string) => ({ type });
const ints = (...i: number[]) => ({ list: { i: i.map(String) } });

/** A hand-written TF.js graph model exercising the edge cases the real models do not reach. */
function edgeCaseModel(): { json: TfjsGraphModelJson; bytes: Uint8Array } {
  const weights: WeightSpec[] = [
    { name: 'three', shape: [], dtype: 'int32' },
    { name: 'minus_two_and_half', shape: [], dtype: 'float32' },
    { name: 'row_begin', shape: [2], dtype: 'int32' },
    { name: 'row_end', shape: [2], dtype: 'int32' },
    { name: 'row_strides', shape: [2], dtype: 'int32' },
    { name: 'scale_u8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
    { name: 'offset_f16', shape: [3], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } },
  ];
  const bytes = Buffer.concat([
    Buffer.from(Int32Array.from([3]).buffer),
    Buffer.from(Float32Array.from([-2.5]).buffer),
    Buffer.from(Int32Array.from([1, 0, 2, 3, 1, 1]).buffer),
    Buffer.from(Uint8Array.from([0, 3, 10])), // -1, 0.5, 4
    Buffer.from(Uint16Array.from([0x3800, 0xbd00, 0x4000]).buffer), // 0.5, -1.25, 2
  ]);
  const consts: TfNode[] = weights.map((w) => ({
    name: w.name,
    op: 'Const',
    attr: { dtype: T(w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT') },
  }));
  const nodes: TfNode[] = [
    {
      name: 'x',
      op: 'Placeholder',
      attr: { dtype: T('DT_FLOAT'), shape: { shape: { dim: [{ size: '2' }, { size: '3' }] } } },
    },
    ...consts,
    { name: 'xi', op: 'Cast', input: ['x'], attr: { SrcT: T('DT_FLOAT'), DstT: T('DT_INT32') } },
    { name: 'int_floordiv', op: 'FloorDiv', input: ['xi', 'three'], attr: { T: T('DT_INT32') } },
    { name: 'int_floormod', op: 'FloorMod', input: ['xi', 'three'], attr: { T: T('DT_INT32') } },
    { name: 'float_floordiv', op: 'FloorDiv', input: ['x', 'minus_two_and_half'], attr: { T: T('DT_FLOAT') } },
    { name: 'float_floormod', op: 'FloorMod', input: ['x', 'minus_two_and_half'], attr: { T: T('DT_FLOAT') } },
    {
      name: 'second_row',
      op: 'StridedSlice',
      input: ['x', 'row_begin', 'row_end', 'row_strides'],
      attr: {
        T: T('DT_FLOAT'),
        Index: T('DT_INT32'),
        begin_mask: { i: '2' },
        end_mask: { i: '2' },
        shrink_axis_mask: { i: '1' },
        ellipsis_mask: { i: '0' },
        new_axis_mask: { i: '0' },
      },
    },
    { name: 'scaled', op: 'Mul', input: ['second_row', 'scale_u8'], attr: { T: T('DT_FLOAT') } },
    { name: 'affine', op: 'AddV2', input: ['scaled', 'offset_f16'], attr: { T: T('DT_FLOAT') } },
  ];
  const json: TfjsGraphModelJson = {
    format: 'graph-model',
    modelTopology: { node: nodes, versions: { producer: 1395 } },
    weightsManifest: [{ paths: ['inline.bin'], weights }],
  };
  return { json, bytes: new Uint8Array(bytes) };
}

const OUTPUTS = ['int_floordiv', 'int_floormod', 'float_floordiv', 'float_floormod', 'affine'];

describe('convertTfjsGraph', () => {
  it('matches TF.js on floor division/modulo with negatives, strided slices and quantised weights', async () => {
    const { json, bytes } = edgeCaseModel();
    const converted = convertTfjsGraph(json, decodeWeights(json.weightsManifest, bytes), 'edge-cases');
    expect(converted.outputs.map((o) => o.name).sort()).toEqual([...OUTPUTS].sort());
    const session = await ort.InferenceSession.create(converted.bytes, { graphOptimizationLevel: 'all' });
    const x = Float32Array.from([-7.5, -3.2, 0.4, 5.9, 8, -0.6]);
    const onnx = await session.run({ x: new ort.Tensor('float32', x, [2, 3]) });
    const ref = runTfjs(await loadTfjsGraphModelFromMemory(json, bytes), x, [2, 3], OUTPUTS);
    for (const name of OUTPUTS) {
      expect(onnx[name]!.dims, name).toEqual(ref.get(name)!.shape);
      // + 0 turns -0 into 0: equal values, but toEqual tells them apart.
      expect(
        Array.from(onnx[name]!.data as ArrayLike<number>, (v) => Number(v) + 0),
        name,
      ).toEqual(Array.from(ref.get(name)!.data, (v) => v + 0));
    }
    expect(onnx.int_floordiv!.type).toBe('int32');
    // Python semantics, not C truncation: -7 // 3 = -3, -7 % 3 = 2.
    expect(Array.from(onnx.int_floordiv!.data as Int32Array)).toEqual([-3, -1, 0, 1, 2, 0]);
    expect(Array.from(onnx.int_floormod!.data as Int32Array)).toEqual([2, 0, 0, 2, 2, 0]);
  });

  it('names the op and the node it cannot convert', () => {
    const { json, bytes } = edgeCaseModel();
    json.modelTopology.node.push({ name: 'angle', op: 'Atan2', input: ['x', 'x'], attr: { T: T('DT_FLOAT') } });
    const convert = () => convertTfjsGraph(json, decodeWeights(json.weightsManifest, bytes));
    expect(convert).toThrow(UnsupportedOpError);
    expect(convert).toThrow("unsupported TF.js op 'Atan2' at node 'angle'");
  });

  it('refuses a non-constant conv filter, naming the node', () => {
    const { json, bytes } = edgeCaseModel();
    json.modelTopology.node.push({
      name: 'conv',
      op: 'Conv2D',
      input: ['x', 'x'],
      attr: {
        T: T('DT_FLOAT'),
        strides: ints(1, 1, 1, 1),
        padding: { s: b64('SAME') },
        data_format: { s: b64('NHWC') },
      },
    });
    expect(() => convertTfjsGraph(json, decodeWeights(json.weightsManifest, bytes))).toThrow(
      "unsupported TF.js op 'Conv2D' at node 'conv': the filter must be a constant",
    );
  });
});

describe('decodeWeights', () => {
  it('dequantises uint8 (q * scale + min) and float16, and refuses short shards', () => {
    const { json, bytes } = edgeCaseModel();
    const w = decodeWeights(json.weightsManifest, bytes);
    expect(Array.from(w.get('scale_u8')!.data)).toEqual([-1, 0.5, 4]);
    expect(Array.from(w.get('offset_f16')!.data)).toEqual([0.5, -1.25, 2]);
    expect(Array.from(w.get('row_begin')!.data)).toEqual([1, 0]);
    expect(() => decodeWeights(json.weightsManifest, bytes.subarray(0, bytes.length - 1))).toThrow(
      /offset_f16 needs bytes .* shards hold/,
    );
  });

  it('decodes half floats including subnormals and infinities', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
});
