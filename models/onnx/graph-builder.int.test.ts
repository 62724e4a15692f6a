import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { floatAttr, floatsAttr, GraphBuilder } from './graph-builder.js';

const session = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });

describe('GraphBuilder', () => {
  it('builds a graph onnxruntime runs, with dynamic batch, initializers and attributes', async () => {
    const g = new GraphBuilder('affine');
    const x = g.input('x', 'float32', ['batch', 3]);
    const w = g.constant('float32', [3, 2], [1, 2, 3, 4, 5, 6]);
    const b = g.constant('float32', [2], [0.5, -100]);
    const y = g.op('Add', [g.op('MatMul', [x, w]), b]);
    g.output(g.op('LeakyRelu', [y], { alpha: floatAttr(0.25) }, 'y'), 'float32', ['batch', 2]);
    const s = await session(g.toBytes());
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y']);
    const input = new ort.Tensor('float32', Float32Array.from([1, 0, -1, 2, 1, 0]), [2, 3]);
    const { y: out } = await s.run({ x: input });
    expect(out!.dims).toEqual([2, 2]);
    // row 1: [1-5, 2-6] + b = [-3.5, -104] -> leaky; row 2: [2+3, 4+4] + b = [5.5, -92] -> leaky
    expect(Array.from(out!.data as Float32Array)).toEqual([-3.5 * 0.25, -104 * 0.25, 5.5, -92 * 0.25]);
  });

  it('encodes int64 inputs, negative ints, multi-output nodes and int attributes', async () => {
    const g = new GraphBuilder('topk');
    const x = g.input('x', 'float32', [1, 5]);
    const [values, indices] = g.node(
      'TopK',
      [x, g.int64s([2])],
      { axis: -1, largest: 1, sorted: 1 },
      { outputs: ['values', 'indices'] },
    );
    g.output(values!, 'float32', [1, 2]);
    g.output(indices!, 'int64', [1, 2]);
    const reshaped = g.op('Reshape', [x, g.int64s([-1, 1])], {}, 'column');
    g.output(reshaped, 'float32', [5, 1]);
    const s = await session(g.toBytes());
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([3, 9, -1, 7, 0]), [1, 5]) });
    expect(Array.from(out.values!.data as Float32Array)).toEqual([9, 7]);
    expect(Array.from(out.indices!.data as BigInt64Array)).toEqual([1n, 3n]);
    expect(out.column!.dims).toEqual([5, 1]);
  });

  it('encodes FLOATS and TENSOR attributes (Constant nodes with known outputs)', async () => {
    const g = new GraphBuilder('constants');
    const x = g.input('x', 'float32', [3]);
    const floats = g.op('Constant', [], { value_floats: floatsAttr([1, 2, 3]) });
    const tensor = g.op('Constant', [], { value: { dtype: 'float32', dims: [3], data: [0.5, 0.25, -4] } });
    g.output(g.op('Add', [g.op('Mul', [x, floats]), tensor], {}, 'y'), 'float32', [3]);
    const s = await session(g.toBytes({ metadata: { source: 'test' } }));
    const { y } = await s.run({ x: new ort.Tensor('float32', Float32Array.from([10, 10, 10]), [3]) });
    expect(Array.from(y!.data as Float32Array)).toEqual([10.5, 20.25, 26]);
  });

  it('refuses duplicate names, wrong constant sizes and an opset below 17', () => {
    const g = new GraphBuilder('bad');
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrow(/already used/);
    expect(() => g.constant('float32', [2, 2], [1, 2, 3])).toThrow(/needs 4 values, got 3/);
    expect(() => new GraphBuilder('old', 13)).toThrow(/below the supported minimum/);
    expect(() => g.toBytes()).toThrow(/no outputs/);
  });
});
