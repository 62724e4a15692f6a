import { writeFileSync } from 'node:fs';
import { GraphBuilder } from '../../models/onnx/graph-builder.js';

/** One output of a fixed-output model. */
export interface FixedOutput {
  name: string;
  dims: number[];
  data: ArrayLike<number>;
}

/**
 * Writes an ONNX model that takes an input of `inputDims` and returns `outputs`
 * (constants plus 0 x the input's sum, so onnxruntime really runs the graph and
 * checks the input shape). Test factory for the output layouts of model families
 * whose real files are not at hand.
 */
export function writeFixedOutputModel(
  path: string,
  inputName: string,
  inputDims: number[],
  outputs: FixedOutput[],
): string {
  const g = new GraphBuilder('fixed-output');
  const x = g.input(inputName, 'float32', inputDims);
  const zero = g.op('Mul', [g.op('ReduceSum', [x], { keepdims: 0 }), g.scalar(0)]);
  for (const o of outputs) {
    g.output(
      g.op('Add', [g.constant('float32', o.dims, Float32Array.from(o.data)), zero], {}, o.name),
      'float32',
      o.dims,
    );
  }
  writeFileSync(path, g.toBytes());
  return path;
}
