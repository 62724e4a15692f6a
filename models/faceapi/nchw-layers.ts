/**
 * Layer helpers for building face-api's networks as ONNX graphs in NCHW, from
 * face-api's named TF weights (HWIO filters). Each mirrors one face-api function.
 */
import { convFilter, depthwiseFilter } from '../convert/filter-layout.js';
import { ModelFormatError } from '../convert/errors.js';
import type { WeightTensor } from '../convert/tfjs-weights.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';

/** face-api's mean RGB, subtracted before dividing by 255 (faceFeatureExtractor, faceRecognitionNet). */
export const FACEAPI_MEAN_RGB = [122.782, 117.001, 104.298];

export class FaceApiLayers {
  constructor(
    readonly g: GraphBuilder,
    private readonly weights: Map<string, WeightTensor>,
  ) {}

  /** A weight by name, checked against the shape the architecture expects. */
  weight(name: string, rank: number): WeightTensor {
    const w = this.weights.get(name);
    if (!w) throw new ModelFormatError(`face-api weights: '${name}' is missing`);
    if (w.shape.length !== rank)
      throw new ModelFormatError(`face-api weights: '${name}' has shape [${w.shape}], expected rank ${rank}`);
    return w;
  }

  /** NHWC 0..255 input -> NCHW (x - mean) / 255, as face-api's normalize(...).div(255). */
  normalisedInput(input: string): string {
    const g = this.g;
    const centred = g.op('Sub', [input, g.constant('float32', [3], FACEAPI_MEAN_RGB)]);
    const scaled = g.op('Div', [centred, g.scalar(255)]);
    return g.op('Transpose', [scaled], { perm: [0, 3, 1, 2] });
  }

  /** tf.conv2d(x, filters, stride, padding) + bias. */
  conv(
    x: string,
    prefix: string,
    stride: number,
    padding: 'same' | 'valid',
    filterName = 'filters',
    biasName = 'bias',
  ): string {
    const f = this.weight(`${prefix}/${filterName}`, 4);
    const [kh, kw, ci, co] = f.shape as [number, number, number, number];
    const bias = this.weight(`${prefix}/${biasName}`, 1);
    return this.g.op(
      'Conv',
      [
        x,
        this.g.constant('float32', [co, ci, kh, kw], convFilter(f.data as Float32Array, f.shape)),
        this.g.constant('float32', [co], bias.data),
      ],
      {
        kernel_shape: [kh, kw],
        strides: [stride, stride],
        auto_pad: padding === 'same' ? 'SAME_UPPER' : 'VALID',
      },
    );
  }

  /** tf.separableConv2d(x, depthwise, pointwise, stride, 'same') + bias (face-api's depthwiseSeparableConv). */
  separableConv(x: string, prefix: string, stride: number): string {
    const g = this.g;
    const dw = this.weight(`${prefix}/depthwise_filter`, 4);
    const pw = this.weight(`${prefix}/pointwise_filter`, 4);
    const bias = this.weight(`${prefix}/bias`, 1);
    const [kh, kw, c, m] = dw.shape as [number, number, number, number];
    const [, , pin, pout] = pw.shape as [number, number, number, number];
    const depthwise = g.op(
      'Conv',
      [x, g.constant('float32', [c * m, 1, kh, kw], depthwiseFilter(dw.data as Float32Array, dw.shape))],
      {
        kernel_shape: [kh, kw],
        strides: [stride, stride],
        auto_pad: 'SAME_UPPER',
        group: c,
      },
    );
    return g.op(
      'Conv',
      [
        depthwise,
        g.constant('float32', [pout, pin, 1, 1], convFilter(pw.data as Float32Array, pw.shape)),
        g.constant('float32', [pout], bias.data),
      ],
      {
        kernel_shape: [1, 1],
      },
    );
  }

  /** Per-channel x * weights + biases on NCHW (face-api's scale layer). */
  scale(x: string, prefix: string): string {
    const w = this.weight(`${prefix}/weights`, 1);
    const b = this.weight(`${prefix}/biases`, 1);
    const c = w.shape[0]!;
    const mul = this.g.op('Mul', [x, this.g.constant('float32', [c, 1, 1], w.data)]);
    return this.g.op('Add', [mul, this.g.constant('float32', [c, 1, 1], b.data)]);
  }

  relu(x: string): string {
    return this.g.op('Relu', [x]);
  }

  add(a: string, b: string): string {
    return this.g.op('Add', [a, b]);
  }

  /** x [N, in] @ weights [in, out] (+ bias), named `output`. */
  dense(x: string, weightsName: string, biasName: string | undefined, output: string): string {
    const w = this.weight(weightsName, 2);
    const product = this.g.op(
      'MatMul',
      [x, this.g.constant('float32', w.shape, w.data)],
      {},
      biasName ? undefined : output,
    );
    if (!biasName) return product;
    const b = this.weight(biasName, 1);
    return this.g.op('Add', [product, this.g.constant('float32', b.shape, b.data)], {}, output);
  }
}
