/**
 * Parity measure used by every model test: the largest |a - ref| / max(1, |ref|),
 * i.e. absolute deviation for values within [-1, 1], relative beyond.
 */
export const PARITY_TOLERANCE = 1e-3;

export function maxDeviation(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length)
    throw new RangeError(`length ${actual.length} vs reference ${reference.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const ref = reference[i]!;
    const d = Math.abs(actual[i]! - ref) / Math.max(1, Math.abs(ref));
    if (!(d <= worst)) worst = d; // NaN propagates as a failure
  }
  return worst;
}
