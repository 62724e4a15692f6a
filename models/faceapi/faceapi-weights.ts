/** face-api's weight files in the installed package (manifest + shards, uint8-quantised). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFormatError } from '../convert/errors.js';
import { decodeWeights, readShards, type WeightsManifestGroup, type WeightTensor } from '../convert/tfjs-weights.js';
import { packageDir } from '../prepare/package-dir.js';

export const faceApiModelDir = (): string => join(packageDir('@vladmandic/face-api'), 'model');

/** Decoded weights of `<name>-weights_manifest.json` in `dir` (default: the package's model folder). */
export async function loadFaceApiWeights(name: string, dir = faceApiModelDir()): Promise<Map<string, WeightTensor>> {
  const path = join(dir, `${name}-weights_manifest.json`);
  let manifest: WeightsManifestGroup[];
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as WeightsManifestGroup[];
  } catch (err) {
    throw new ModelFormatError(`${path} is not a readable weights manifest: ${(err as Error).message}`);
  }
  return decodeWeights(manifest, await readShards(manifest, dir));
}
