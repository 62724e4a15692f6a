/**
 * The CCTV probes' descriptors on disk, so that scoring rules can be iterated on without
 * running the face chain again over thousands of frames (`--probe-cache DIR`, or
 * WATCHPOST_PROBE_CACHE). Keyed by the frame's pixels and the chain's configuration: a
 * changed frame or model is a miss, never a stale hit.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodedImage, DescribedFace } from '../../models/index.js';

type Stored = Omit<DescribedFace, 'descriptor' | 'landmarks'> & { descriptor: number[] };

export class ProbeCache {
  private readonly file: string;
  private readonly entries: Record<string, Stored | null>;
  private dirty = 0;

  constructor(dir: string, fingerprint: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `probes-${createHash('sha1').update(fingerprint).digest('hex').slice(0, 16)}.json`);
    this.entries = existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {};
  }

  /** The cached face of `img` (null: no face was found), or `describe`'s answer, stored. */
  async describe(img: DecodedImage, describe: () => Promise<DescribedFace | null>): Promise<DescribedFace | null> {
    const key = createHash('sha1').update(img.data).update(`${img.width}x${img.height}`).digest('hex');
    const hit = this.entries[key];
    if (hit !== undefined) return hit && { ...hit, descriptor: Float32Array.from(hit.descriptor) };
    const face = await describe();
    this.entries[key] = face && {
      face: face.face,
      measures: face.measures,
      quality: face.quality,
      descriptor: [...face.descriptor],
    };
    if (++this.dirty >= 200) this.save();
    return face;
  }

  save(): void {
    if (this.dirty === 0) return;
    writeFileSync(this.file, JSON.stringify(this.entries));
    this.dirty = 0;
  }
}

/** The cache a bench was asked for (`--probe-cache DIR` or WATCHPOST_PROBE_CACHE), or none. */
export function probeCacheDir(argv = process.argv): string | undefined {
  const i = argv.indexOf('--probe-cache');
  return i > 0 ? argv[i + 1] : process.env.WATCHPOST_PROBE_CACHE;
}
