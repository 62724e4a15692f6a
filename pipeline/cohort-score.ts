/**
 * Open-set scores from a cohort: faces known not to be on the watchlist. A stranger often
 * sits near an enrolled face because that face (or the stranger's own, blurred and small)
 * sits near everybody; the cohort measures how near "everybody" is, and a distance is
 * judged against that instead of one fixed threshold.
 *
 * - identity side (Z): an identity whose templates sit close to many cohort faces is a
 *   "hub" that attracts strangers; its distances are stretched by reference / its cohort mean.
 * - probe side (T): a probe close to many cohort faces (a generic, degraded face) has every
 *   distance stretched by reference / the probe's cohort mean.
 *
 * Scores stay in distance units (the reference is the mean over the gallery's identities),
 * so the vote rule's threshold, small-face threshold and margin keep their meaning.
 * Measured on bench:face-accuracy's CCTV probes (README, "Open-set candidates").
 */
import { euclidean, type GalleryMatch } from './face-match.js';

export type CohortNorm = 'z' | 't' | 'zt';

/** Mean of the `k` smallest distances from `descriptor` to the cohort's faces (every face when k exceeds them). */
export function cohortNearestMean(
  descriptor: ArrayLike<number>,
  cohort: readonly ArrayLike<number>[],
  k: number,
): number {
  return meanOfSmallest(
    cohort.map((c) => euclidean(descriptor, c)),
    k,
  );
}

function meanOfSmallest(values: number[], k: number): number {
  if (values.length === 0) throw new RangeError('an empty cohort has no distances');
  const d = [...values].sort((a, b) => a - b);
  const n = Math.max(1, Math.min(k, d.length));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += d[i]!;
  return sum / n;
}

/** Per identity, the mean of the k nearest cohort faces to its closest template (the identity side of the norm). */
export function identityCohortMeans(
  identities: readonly { id: string; descriptors: readonly ArrayLike<number>[] }[],
  cohort: readonly ArrayLike<number>[],
  k: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const { id, descriptors } of identities) {
    if (descriptors.length === 0) continue;
    // each cohort face's distance to the identity is to its closest template, as a probe's is
    const nearest = cohort.map((c) => Math.min(...descriptors.map((t) => euclidean(t, c))));
    out.set(id, meanOfSmallest(nearest, k));
  }
  return out;
}

export interface CohortScoreOptions {
  norm: CohortNorm;
  /** identityCohortMeans of the gallery (z, zt). */
  identityMeans?: Map<string, number>;
  /** cohortNearestMean of the probe (t, zt). */
  probeMean?: number;
  /** The scale the ratios are taken against: a typical cohort mean (e.g. the mean of identityMeans). */
  reference: number;
}

/** Each identity's distance normalised against the cohort, in distance units; the input order is kept. */
export function cohortScores(distances: readonly GalleryMatch[], opts: CohortScoreOptions): GalleryMatch[] {
  const z = opts.norm === 'z' || opts.norm === 'zt';
  const t = opts.norm === 't' || opts.norm === 'zt';
  if (t && !(opts.probeMean! > 0)) throw new RangeError('probe-side normalisation needs the probe cohort mean');
  return distances.map((m) => {
    let score = m.distance;
    if (z) {
      const mean = opts.identityMeans?.get(m.id);
      if (!(mean! > 0)) throw new RangeError(`no cohort mean for identity ${m.id}`);
      score *= opts.reference / mean!;
    }
    if (t) score *= opts.reference / opts.probeMean!;
    return { ...m, distance: score };
  });
}

/** The best and second-best of a set of scores (lower is better), as Gallery.nearestTwo reports them. */
export function bestTwo(scores: readonly GalleryMatch[]): { best: GalleryMatch; secondDistance: number | null } | null {
  const ranked = [...scores].sort((a, b) => a.distance - b.distance);
  return ranked[0] ? { best: ranked[0], secondDistance: ranked[1]?.distance ?? null } : null;
}
