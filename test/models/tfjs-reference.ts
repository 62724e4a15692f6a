/**
 * The TF.js side of parity checks: loads a graph model from disk into
 * tfjs-converter on the pure-JS CPU backend (dev dependencies only, no network).
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsGraphModelJson } from '../../models/convert/tfjs-graph.js';
import { readShards } from '../../models/convert/tfjs-weights.js';

async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export async function loadTfjsGraphModel(modelJsonPath: string): Promise<GraphModel> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfjsGraphModelJson;
  return loadTfjsGraphModelFromMemory(json, await readShards(json.weightsManifest, dirname(modelJsonPath)));
}

/** A graph model from a parsed model.json and its concatenated weight bytes. */
export async function loadTfjsGraphModelFromMemory(json: TfjsGraphModelJson, bytes: Uint8Array): Promise<GraphModel> {
  await useCpuBackend();
  return loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: bytes.slice().buffer,
      format: json.format,
      signature: json.signature,
    }),
  });
}

/** Runs `model` on one float input and returns every requested output as a flat array. */
export function runTfjs(
  model: GraphModel,
  input: Float32Array,
  shape: number[],
  outputs: string[],
): Map<string, { data: Float32Array; shape: number[] }> {
  const x = tf.tensor(input, shape, 'float32');
  const result = model.execute(x, outputs);
  const list = Array.isArray(result) ? result : [result];
  const out = new Map(
    outputs.map((name, i) => [
      name,
      { data: Float32Array.from(list[i]!.dataSync() as ArrayLike<number>), shape: list[i]!.shape },
    ]),
  );
  tf.dispose([x, ...list]);
  return out;
}
