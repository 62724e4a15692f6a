/**
 * Minimum-cost assignment of rows to columns (Hungarian algorithm, O(n²m)), as
 * ByteTrack's lapjv step. Pairs whose cost exceeds `maxCost` are never returned:
 * they are priced above every allowed pair, then filtered out.
 * Deterministic: ties resolve by index order.
 */
export function linearAssignment(cost: number[][], maxCost: number): Array<[row: number, col: number]> {
  const rows = cost.length;
  const cols = rows ? cost[0]!.length : 0;
  if (!rows || !cols) return [];
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const forbidden = maxCost + 1e6;
  const at = (i: number, j: number) => {
    const c = transposed ? cost[j]![i]! : cost[i]![j]!;
    return c > maxCost ? forbidden : c;
  };
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0);
  }
  const pairs: Array<[number, number]> = [];
  for (let j = 1; j <= m; j++) {
    if (!p[j]) continue;
    const [r, c] = transposed ? [j - 1, p[j]! - 1] : [p[j]! - 1, j - 1];
    if (cost[r]![c]! <= maxCost) pairs.push([r, c]);
  }
  return pairs.sort((a, b) => a[0] - b[0]);
}
