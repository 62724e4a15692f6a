import type { DataType, Dim } from './graph-builder.js';

/** One input or output of a built ONNX model. */
export interface TensorSignature {
  name: string;
  dtype: DataType;
  /** Declared dims; a string or null is dynamic (e.g. the batch). */
  shape: Dim[];
}

/** An ONNX model in memory with its declared interface. */
export interface BuiltModel {
  bytes: Uint8Array;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}
