import { describe, expect, it } from 'vitest';
import { Gallery, l2normalize } from '../pipeline/face-match.js';
import { GalleryIndex } from './gallery-index.js';

function vectors(count: number, dim: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: count }, () => l2normalize(Array.from({ length: dim }, rand)));
}

describe('GalleryIndex', () => {
  it('gives the same matches as the gallery scan on a large gallery (through onnxruntime)', async () => {
    const all = vectors(30_000, 128, 3);
    const gallery = new Gallery(
      Array.from({ length: 15_000 }, (_, i) => ({
        id: `p${i}`,
        name: `P${i}`,
        descriptors: [all[2 * i]!, all[2 * i + 1]!],
      })),
      { threshold: 1.2 },
    );
    const index = await GalleryIndex.build(gallery);
    try {
      // queries near known rows, and random ones
      const queries = [
        ...[5, 777, 29_999].map((r) => l2normalize(all[r]!.map((v, k) => v + (k % 7) * 0.001))),
        ...vectors(10, 128, 99),
      ];
      for (const q of queries) {
        const expected = gallery.match(q, { threshold: 2 });
        const got = await index.match(q, { threshold: 2 });
        expect(got?.id).toBe(expected?.id);
        expect(got!.distance).toBeCloseTo(expected!.distance, 4);
      }
      // the gallery's threshold applies; allowedIds takes the scan path
      const stranger = vectors(1, 128, 5)[0]!;
      expect(gallery.match(stranger, { threshold: 0.5 })).toBeNull();
      expect(await index.match(stranger, { threshold: 0.5 })).toBeNull();
      expect((await index.match(all[0]!, { allowedIds: new Set(['p9']), threshold: 2 }))?.id).toBe('p9');
    } finally {
      await index.close();
    }
  });

  it('uses the plain scan for small galleries', async () => {
    const [a, b] = vectors(2, 8, 1);
    const index = await GalleryIndex.build(new Gallery([{ id: 'a', name: 'A', descriptors: [a!] }]));
    expect(await index.match(a!)).toEqual({ id: 'a', name: 'A', distance: 0 });
    expect((await index.match(b!))?.id).toBe('a');
  });
});
