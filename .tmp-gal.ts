import { Gallery, l2normalize } from './pipeline/face-match.ts';
let seed = 1;
const rand = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = Math.imul(seed ^ (seed >>> 15), seed | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5; };
const vector = () => l2normalize(Array.from({ length: 128 }, rand));
for (const n of [10_000, 100_000, 100_000]) {
  const g = new Gallery(Array.from({ length: n }, (_, i) => ({ id: `p${i}`, name: `P${i}`, descriptors: [vector()] })));
  const qs = Array.from({ length: 100 }, vector);
  for (const q of qs.slice(0, 20)) g.match(q);
  const t = qs.map(q => { const t0 = performance.now(); g.match(q); return performance.now() - t0; }).sort((a, b) => a - b);
  console.log(n, t[50]!.toFixed(2), t[95]!.toFixed(2));
}
