let seed = 1;
const rand = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = Math.imul(seed ^ (seed >>> 15), seed | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5; };
const D = 128, N = 100_000;
const m = new Float32Array(N * D); for (let i = 0; i < m.length; i++) m[i] = rand();
const q = new Float32Array(D); for (let i = 0; i < D; i++) q[i] = rand();
const half = new Float32Array(N); for (let r = 0; r < N; r++) { let s = 0; for (let k = 0; k < D; k++) s += m[r*D+k]! ** 2; half[r] = s / 2; }
function early() { let best = -1, bestSq = Infinity; for (let r = 0; r < N; r++) { let sq = 0; const b = r * D; for (let k = 0; k < D && sq < bestSq; k++) { const d = m[b + k]! - q[k]!; sq += d * d; } if (sq < bestSq) { bestSq = sq; best = r; } } return best; }
function dot8() { let best = -1, bestS = -Infinity; for (let r = 0; r < N; r++) { const b = r * D; let s0 = 0, s1 = 0, s2 = 0, s3 = 0; for (let k = 0; k < D; k += 4) { s0 += m[b + k]! * q[k]!; s1 += m[b + k + 1]! * q[k + 1]!; s2 += m[b + k + 2]! * q[k + 2]!; s3 += m[b + k + 3]! * q[k + 3]!; } const s = s0 + s1 + s2 + s3 - half[r]!; if (s > bestS) { bestS = s; best = r; } } return best; }
function sq4() { let best = -1, bestSq = Infinity; for (let r = 0; r < N; r++) { const b = r * D; let s0 = 0, s1 = 0, s2 = 0, s3 = 0; for (let k = 0; k < D; k += 4) { const a0 = m[b+k]! - q[k]!, a1 = m[b+k+1]! - q[k+1]!, a2 = m[b+k+2]! - q[k+2]!, a3 = m[b+k+3]! - q[k+3]!; s0 += a0*a0; s1 += a1*a1; s2 += a2*a2; s3 += a3*a3; } const s = s0+s1+s2+s3; if (s < bestSq) { bestSq = s; best = r; } } return best; }
for (const [name, f] of [['early', early], ['dot8', dot8], ['sq4', sq4], ['early', early], ['dot8', dot8], ['sq4', sq4]] as const) {
  for (let i = 0; i < 5; i++) f();
  const t = Array.from({ length: 20 }, () => { const t0 = performance.now(); f(); return performance.now() - t0; }).sort((a, b) => a - b);
  console.log(name, f(), t[10]!.toFixed(1));
}
