/**
 * Open-set candidates on the CCTV probes (issue 19, item 2): cohort normalisation and the
 * templates kept per person, each scored on the same probe tracks as the vote rules
 * (bench/face/cctv-accuracy.ts). A candidate only changes the score a frame gets per
 * identity; the default vote rule then decides. Each is calibrated the way the default
 * threshold was chosen (the loosest threshold scale with no false and no wrong-person
 * match on the stranger tracks) and compared at that equal zero false accepts.
 */
import type { Config } from '../../pipeline/config/index.js';
import {
  bestTwo,
  type CohortNorm,
  cohortNearestMean,
  cohortScores,
  identityCohortMeans,
} from '../../pipeline/cohort-score.js';
import { Gallery, type GalleryIdentity, type GalleryMatch } from '../../pipeline/face-match.js';
import { identifyVoteRule, voteOptionsAt } from '../../pipeline/track-votes.js';
import { evaluateRule, type ProbeFrame, type RuleResult, widthBuckets } from './cctv-accuracy.js';
import type { SourceFace } from './photo-sets.js';

/** Which templates an identity keeps: every photo (nearest counts), its first photo only, or their mean. */
export type Templates = 'nearest' | 'one' | 'mean';

export interface ScoringCandidate {
  name: string;
  templates: Templates;
  cohort?: { norm: CohortNorm; k: number };
}

export const SCORING_CANDIDATES: ScoringCandidate[] = [
  { name: 'today: every photo a template, nearest counts', templates: 'nearest' },
  { name: 'one photo per person', templates: 'one' },
  { name: 'mean of the photos, one template', templates: 'mean' },
  { name: 'cohort Z (identity side), k 5', templates: 'nearest', cohort: { norm: 'z', k: 5 } },
  { name: 'cohort Z (identity side), k 20', templates: 'nearest', cohort: { norm: 'z', k: 20 } },
  { name: 'cohort T (probe side), k 5', templates: 'nearest', cohort: { norm: 't', k: 5 } },
  { name: 'cohort T (probe side), k 20', templates: 'nearest', cohort: { norm: 't', k: 20 } },
  { name: 'cohort Z + T, k 10', templates: 'nearest', cohort: { norm: 'zt', k: 10 } },
];

export interface CandidateResult {
  candidate: string;
  /** identify.thresholdScale picked (the small-face threshold keeps its ratio): loosest with no false match. */
  calibrated_threshold_scale: number | null;
  recall_at_48px_plus: number;
  recall_by_width: Record<number, number>;
  false_matches: number;
  wrong_person_matches: number;
  stranger_tracks: number;
  false_matches_per_1000_stranger_tracks: number;
  /** Frames that pass the vote quality rule: genuine scores under the smallest impostor score of that width. */
  tar_at_far0_by_width: Record<number, number | null>;
  /** At the default thresholdScale, not recalibrated. */
  at_default_scale: Pick<RuleResult, 'recall_at_48px_plus' | 'false_matches' | 'wrong_person_matches'>;
}

const mean = (ds: readonly ArrayLike<number>[]): Float32Array => {
  const out = new Float32Array(ds[0]!.length);
  for (const d of ds) for (let i = 0; i < out.length; i++) out[i]! += d[i]! / ds.length;
  return out;
};

/** The gallery of `faces` grouped by person, keeping the templates `t` says. */
function identitiesOf(faces: SourceFace[], t: Templates): GalleryIdentity[] {
  const byPerson = new Map<string, Float32Array[]>();
  for (const s of [...faces].sort((a, b) => (a.key < b.key ? -1 : 1)))
    byPerson.set(s.person, [...(byPerson.get(s.person) ?? []), s.full.descriptor]);
  return [...byPerson].map(([id, ds]) => ({
    id,
    name: id,
    descriptors: t === 'one' ? ds.slice(0, 1) : t === 'mean' ? [mean(ds)] : ds,
  }));
}

/** A gallery and how to score a descriptor against it under one candidate. */
function scorer(identities: GalleryIdentity[], c: ScoringCandidate, cohort: Float32Array[], reference: number) {
  const gallery = new Gallery(identities);
  const identityMeans = c.cohort && identityCohortMeans(identities, cohort, c.cohort.k);
  return (descriptor: Float32Array, allowedIds?: Set<string>): GalleryMatch[] => {
    const raw = gallery.identityDistances(descriptor, { allowedIds });
    if (!c.cohort) return raw;
    const probeMean = c.cohort.norm === 'z' ? undefined : cohortNearestMean(descriptor, cohort, c.cohort.k);
    return cohortScores(raw, { norm: c.cohort.norm, identityMeans, probeMean, reference });
  };
}

/** The probes with their genuine, recall and stranger scores recomputed under candidate `c`. */
export function rescore(
  probes: ProbeFrame[],
  enrolled: SourceFace[],
  c: ScoringCandidate,
  cohort: Float32Array[],
): ProbeFrame[] {
  const all = identitiesOf(enrolled, c.templates);
  const means = c.cohort ? [...identityCohortMeans(all, cohort, c.cohort.k).values()] : [1];
  const reference = means.reduce((a, b) => a + b, 0) / means.length;
  const full = scorer(all, c, cohort, reference);
  const contexts = new Map<string, { recall: ReturnType<typeof scorer> | null; stranger: ReturnType<typeof scorer> }>();
  const contextOf = (p: ProbeFrame) => {
    const key = p.source.key;
    if (!contexts.has(key)) {
      const others = enrolled.filter((s) => s.key !== key);
      const hasOthers = !p.stranger && others.some((s) => s.person === p.source.person);
      contexts.set(key, {
        recall: hasOthers ? scorer(identitiesOf(others, c.templates), c, cohort, reference) : null,
        stranger: p.stranger
          ? full
          : scorer(
              identitiesOf(
                enrolled.filter((s) => s.person !== p.source.person),
                c.templates,
              ),
              c,
              cohort,
              reference,
            ),
      });
    }
    return contexts.get(key)!;
  };
  const top2 = (scores: GalleryMatch[]) => {
    const r = bestTwo(scores);
    return r && { id: r.best.id, distance: r.best.distance, second: r.secondDistance };
  };
  return probes.map((p) => {
    if (!p.face) return p;
    const ctx = contextOf(p);
    const d = p.face.descriptor;
    const recall = ctx.recall?.(d) ?? null;
    return {
      ...p,
      genuine: recall?.find((m) => m.id === p.source.person)?.distance ?? null,
      recall: recall && top2(recall),
      asStranger: top2(ctx.stranger(d)),
    };
  });
}

/** Calibrates and evaluates every candidate on the probes (cohort: faces known not to be on the watchlist). */
export function openSetCandidates(
  probes: ProbeFrame[],
  enrolled: SourceFace[],
  cohort: Float32Array[],
  cfg: Config,
  baseThreshold: number,
  candidates = SCORING_CANDIDATES,
): CandidateResult[] {
  const rule = identifyVoteRule(cfg.identify);
  const quality = cfg.identify.voteQuality;
  const smallRatio = cfg.identify.smallFaceThresholdScale / cfg.identify.thresholdScale;
  const at = (scored: ProbeFrame[], scale: number) =>
    evaluateRule(scored, {
      name: `x ${scale}`,
      quality,
      vote: voteOptionsAt(
        { ...rule, thresholdScale: scale, smallFace: { belowPx: cfg.identify.smallFacePx, scale: scale * smallRatio } },
        baseThreshold,
      ),
    });
  return candidates.map((c) => {
    const scored = rescore(probes, enrolled, c, cohort);
    let best: { scale: number; r: RuleResult } | null = null;
    // from strict to loose, stop at the first scale that lets a stranger or a wrong person through
    for (let i = 0; i <= 80; i++) {
      const scale = Math.round((0.7 + i * 0.005) * 1e3) / 1e3;
      const r = at(scored, scale);
      if (r.false_matches > 0 || r.wrong_person_matches > 0) break;
      best = { scale, r };
    }
    const r = best?.r ?? at(scored, 0.7);
    const def = at(scored, cfg.identify.thresholdScale);
    const buckets = widthBuckets(scored, baseThreshold * (best?.scale ?? 0.7), quality);
    return {
      candidate: c.name,
      calibrated_threshold_scale: best?.scale ?? null,
      recall_at_48px_plus: r.recall_at_48px_plus,
      recall_by_width: r.recall_by_width,
      false_matches: r.false_matches,
      wrong_person_matches: r.wrong_person_matches,
      stranger_tracks: r.stranger_tracks,
      false_matches_per_1000_stranger_tracks: r.false_matches_per_1000_stranger_tracks,
      tar_at_far0_by_width: Object.fromEntries(buckets.map((b) => [b.width, b.tar_at_far0])),
      at_default_scale: {
        recall_at_48px_plus: def.recall_at_48px_plus,
        false_matches: def.false_matches,
        wrong_person_matches: def.wrong_person_matches,
      },
    };
  });
}
