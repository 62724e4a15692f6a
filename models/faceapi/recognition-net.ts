/**
 * face-api's faceRecognitionNet (dlib-style ResNet-34) as an ONNX graph, after
 * FaceRecognitionNet.ts, convLayer.ts, residualLayer.ts and scaleLayer.ts.
 *
 * Input `input` [N, 150, 150, 3] float32 RGB 0..255 (the aligned face crop).
 * Output `descriptor` [N, 128]: face-api's descriptor, not normalised (compare with euclidean distance).
 */
import type { WeightTensor } from '../convert/tfjs-weights.js';
import type { BuiltModel } from '../onnx/built-model.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { FaceApiLayers } from './nchw-layers.js';

export const RECOGNITION_INPUT_SIZE = 150;

interface Tensor {
  name: string;
  channels: number;
  size: number;
}

/** Output side of a conv with `k` x `k` kernel and `stride`, as TF computes it. */
const outSize = (size: number, k: number, stride: number, padding: 'same' | 'valid') =>
  padding === 'same' ? Math.ceil(size / stride) : Math.ceil((size - k + 1) / stride);

class ResNetBuilder {
  constructor(private readonly l: FaceApiLayers) {}

  /** conv + bias, scale layer, optional relu (face-api's convLayer). */
  convLayer(x: Tensor, prefix: string, stride: number, withRelu: boolean, padding: 'same' | 'valid'): Tensor {
    const filters = this.l.weight(`${prefix}/conv/filters`, 4);
    const [k, , , channels] = filters.shape as [number, number, number, number];
    let y = this.l.conv(x.name, `${prefix}/conv`, stride, padding);
    y = this.l.scale(y, `${prefix}/scale`);
    if (withRelu) y = this.l.relu(y);
    return { name: y, channels, size: outSize(x.size, k, stride, padding) };
  }

  residual(x: Tensor, prefix: string): Tensor {
    const a = this.convLayer(x, `${prefix}/conv1`, 1, true, 'same');
    const b = this.convLayer(a, `${prefix}/conv2`, 1, false, 'same');
    return { ...b, name: this.l.relu(this.l.add(b.name, x.name)) };
  }

  /** Strided residual block; the shortcut is a 2x2 average pool, zero-padded to the conv's channels and size. */
  residualDown(x: Tensor, prefix: string): Tensor {
    const g = this.l.g;
    const a = this.convLayer(x, `${prefix}/conv1`, 2, true, 'valid');
    let out = this.convLayer(a, `${prefix}/conv2`, 1, false, 'same');
    const pooledSize = outSize(x.size, 2, 2, 'valid');
    let pooled = g.op('AveragePool', [x.name], { kernel_shape: [2, 2], strides: [2, 2] });
    if (pooledSize !== out.size) {
      // face-api appends a zero row and column to the conv output when the pool is larger.
      const grow = pooledSize - out.size;
      out = { ...out, size: pooledSize, name: g.op('Pad', [out.name, g.int64s([0, 0, 0, 0, 0, 0, grow, grow])]) };
    }
    if (out.channels !== x.channels) {
      // ...and appends zero channels to the pooled shortcut.
      pooled = g.op('Pad', [pooled, g.int64s([0, 0, 0, 0, 0, out.channels - x.channels, 0, 0])]);
    }
    return { ...out, name: this.l.relu(this.l.add(pooled, out.name)) };
  }
}

export function buildFaceRecognitionNet(weights: Map<string, WeightTensor>): BuiltModel {
  const g = new GraphBuilder('faceRecognitionNet');
  const l = new FaceApiLayers(g, weights);
  const r = new ResNetBuilder(l);
  const size = RECOGNITION_INPUT_SIZE;
  const input = g.input('input', 'float32', ['batch', size, size, 3]);
  let x: Tensor = { name: l.normalisedInput(input), channels: 3, size };
  x = r.convLayer(x, 'conv32_down', 2, true, 'valid');
  x = {
    ...x,
    size: outSize(x.size, 3, 2, 'valid'),
    name: g.op('MaxPool', [x.name], { kernel_shape: [3, 3], strides: [2, 2] }),
  };
  for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) x = r.residual(x, block);
  x = r.residualDown(x, 'conv64_down');
  for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) x = r.residual(x, block);
  x = r.residualDown(x, 'conv128_down');
  for (const block of ['conv128_1', 'conv128_2']) x = r.residual(x, block);
  x = r.residualDown(x, 'conv256_down');
  for (const block of ['conv256_1', 'conv256_2']) x = r.residual(x, block);
  x = r.residualDown(x, 'conv256_down_out');
  const pooled = g.op('ReduceMean', [x.name], { axes: [2, 3], keepdims: 0 });
  g.output(l.dense(pooled, 'fc', undefined, 'descriptor'), 'float32', ['batch', 128]);
  return {
    bytes: g.toBytes({ docString: "face-api faceRecognitionNet (built from @vladmandic/face-api's weights)" }),
    inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', size, size, 3] }],
    outputs: [{ name: 'descriptor', dtype: 'float32', shape: ['batch', 128] }],
  };
}
