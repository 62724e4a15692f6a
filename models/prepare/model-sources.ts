/**
 * The built-in models: where their weights live in npm packages and how each
 * becomes ONNX (TF.js graph conversion, or a face-api graph built from named weights).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFormatError } from '../convert/errors.js';
import type { TfjsGraphModelJson } from '../convert/tfjs-graph.js';
import { convertTfjsGraphFile, type GraphAdaptation } from '../convert/tfjs-to-onnx.js';
import type { WeightsManifestGroup } from '../convert/tfjs-weights.js';
import { loadFaceApiWeights } from '../faceapi/faceapi-weights.js';
import { buildFaceLandmark68Net } from '../faceapi/landmark68-net.js';
import { buildFaceRecognitionNet } from '../faceapi/recognition-net.js';
import type { BuiltModel } from '../onnx/built-model.js';
import { widenCenternet } from './centernet-wide.js';
import { packageDir } from './package-dir.js';

export const MODEL_NAMES = [
  'blazeface',
  'centernet',
  'centernetWide',
  'faceres',
  'faceLandmark68',
  'faceRecognition',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelSource {
  name: ModelName;
  /** npm package holding the weights. */
  packageName: string;
  /** Source files, relative to the package folder: the manifest / model.json first, then shards. */
  files(): Promise<string[]>;
  build(): Promise<BuiltModel>;
}

async function manifestShards(
  pkg: string,
  manifestFile: string,
  weightsOf: (json: unknown) => WeightsManifestGroup[],
): Promise<string[]> {
  const dir = join(packageDir(pkg), manifestFile, '..');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(packageDir(pkg), manifestFile), 'utf8'));
  } catch (err) {
    throw new ModelFormatError(`${pkg}/${manifestFile} cannot be read: ${(err as Error).message}`);
  }
  const rel = dir.slice(packageDir(pkg).length + 1);
  return [manifestFile, ...weightsOf(json).flatMap((g) => g.paths.map((p) => join(rel, p)))];
}

const HUMAN = '@vladmandic/human';
const FACE_API = '@vladmandic/face-api';

/** A graph model of human's `models/<graph>.json`, adapted before conversion when `adapt` is given. */
function humanGraph(name: ModelName, graph: string = name, adapt?: GraphAdaptation): ModelSource {
  const file = `models/${graph}.json`;
  return {
    name,
    packageName: HUMAN,
    files: () => manifestShards(HUMAN, file, (j) => (j as TfjsGraphModelJson).weightsManifest ?? []),
    build: () => convertTfjsGraphFile(join(packageDir(HUMAN), file), name, adapt),
  };
}

function faceApiNet(name: ModelName, weights: string, build: typeof buildFaceLandmark68Net): ModelSource {
  return {
    name,
    packageName: FACE_API,
    files: () => manifestShards(FACE_API, `model/${weights}-weights_manifest.json`, (j) => j as WeightsManifestGroup[]),
    build: async () => build(await loadFaceApiWeights(weights)),
  };
}

export const MODEL_SOURCES: Readonly<Record<ModelName, ModelSource>> = {
  blazeface: humanGraph('blazeface'),
  centernet: humanGraph('centernet'),
  centernetWide: humanGraph('centernetWide', 'centernet', (model, weights) => widenCenternet(model, weights)),
  faceres: humanGraph('faceres'),
  faceLandmark68: faceApiNet('faceLandmark68', 'face_landmark_68_model', buildFaceLandmark68Net),
  faceRecognition: faceApiNet('faceRecognition', 'face_recognition_model', buildFaceRecognitionNet),
};
