/**
 * face-api's faceLandmark68Net as an ONNX graph: the dense-block feature extractor
 * (FaceFeatureExtractor.ts, denseBlock.ts) and the fully connected head (FaceProcessor.ts).
 *
 * Input `input` [N, 112, 112, 3] float32 RGB 0..255 (the face crop, already square).
 * Output `landmarks` [N, 136]: x0, y0, x1, y1, ... relative to the input square (0..1),
 * exactly what face-api's net returns for a square input.
 */
import type { WeightTensor } from '../convert/tfjs-weights.js';
import type { BuiltModel } from '../onnx/built-model.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { FaceApiLayers } from './nchw-layers.js';

export const LANDMARK68_INPUT_SIZE = 112;

function denseBlock(l: FaceApiLayers, x: string, prefix: string, isFirstLayer: boolean): string {
  const out1 = l.relu(
    isFirstLayer ? l.conv(x, `${prefix}/conv0`, 2, 'same') : l.separableConv(x, `${prefix}/conv0`, 2),
  );
  const out2 = l.separableConv(out1, `${prefix}/conv1`, 1);
  const in3 = l.relu(l.add(out1, out2));
  const out3 = l.separableConv(in3, `${prefix}/conv2`, 1);
  const in4 = l.relu(l.add(out1, l.add(out2, out3)));
  const out4 = l.separableConv(in4, `${prefix}/conv3`, 1);
  return l.relu(l.add(out1, l.add(out2, l.add(out3, out4))));
}

export function buildFaceLandmark68Net(weights: Map<string, WeightTensor>): BuiltModel {
  const g = new GraphBuilder('faceLandmark68Net');
  const l = new FaceApiLayers(g, weights);
  const size = LANDMARK68_INPUT_SIZE;
  const input = g.input('input', 'float32', ['batch', size, size, 3]);
  let x = l.normalisedInput(input);
  x = denseBlock(l, x, 'dense0', true);
  x = denseBlock(l, x, 'dense1', false);
  x = denseBlock(l, x, 'dense2', false);
  x = denseBlock(l, x, 'dense3', false);
  x = g.op('AveragePool', [x], { kernel_shape: [7, 7], strides: [2, 2] }); // 7x7 -> 1x1
  const features = g.op('Flatten', [x], { axis: 1 });
  g.output(l.dense(features, 'fc/weights', 'fc/bias', 'landmarks'), 'float32', ['batch', 136]);
  return {
    bytes: g.toBytes({ docString: "face-api faceLandmark68Net (built from @vladmandic/face-api's weights)" }),
    inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', size, size, 3] }],
    outputs: [{ name: 'landmarks', dtype: 'float32', shape: ['batch', 136] }],
  };
}
