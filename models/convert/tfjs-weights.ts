/**
 * Reads TF.js weight manifests and shards: the format of graph-model weights and of
 * face-api's `*-weights_manifest.json`. Dequantises exactly as tfjs-core's
 * `io.decodeWeights` does (float16 -> float32, uint8/uint16 -> q * scale + min).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFormatError } from './errors.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number; original_dtype?: string };
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface WeightTensor {
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** Concatenated bytes of every shard, in manifest order (how tfjs lays weights out). */
export async function readShards(manifest: WeightsManifestGroup[], dir: string): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      try {
        parts.push(await readFile(join(dir, path)));
      } catch (err) {
        throw new ModelFormatError(`weight shard ${join(dir, path)} cannot be read: ${(err as Error).message}`);
      }
    }
  }
  return new Uint8Array(Buffer.concat(parts));
}

const sizeOf = (spec: WeightSpec): number => {
  const q = spec.quantization?.dtype;
  if (q) return q === 'uint8' ? 1 : 2;
  if (spec.dtype === 'bool') return 1;
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  throw new ModelFormatError(`weight ${spec.name}: unsupported dtype ${String(spec.dtype)}`);
};

/** IEEE 754 half-precision bits to a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Decodes every weight of `manifest` from `bytes` (see readShards). */
export function decodeWeights(manifest: WeightsManifestGroup[], bytes: Uint8Array): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (const spec of manifest.flatMap((g) => g.weights)) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const byteLength = count * sizeOf(spec);
    if (offset + byteLength > bytes.byteLength) {
      throw new ModelFormatError(
        `weight ${spec.name} needs bytes ${offset}..${offset + byteLength}, shards hold ${bytes.byteLength}`,
      );
    }
    const q = spec.quantization;
    let data: Float32Array | Int32Array | Uint8Array;
    if (q?.dtype === 'float16') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
    } else if (q) {
      const { scale, min } = q;
      if (scale === undefined || min === undefined)
        throw new ModelFormatError(`weight ${spec.name}: ${q.dtype} quantisation without scale/min`);
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const v = q.dtype === 'uint8' ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true);
        values[i] = v * scale + min;
      }
      data = spec.dtype === 'int32' ? Int32Array.from(values, Math.round) : values;
    } else if (spec.dtype === 'float32') {
      data = new Float32Array(bytes.slice(offset, offset + byteLength).buffer);
    } else if (spec.dtype === 'int32') {
      data = new Int32Array(bytes.slice(offset, offset + byteLength).buffer);
    } else {
      data = bytes.slice(offset, offset + byteLength);
    }
    out.set(spec.name, { dtype: spec.dtype, shape: spec.shape, data });
    offset += byteLength;
  }
  return out;
}
