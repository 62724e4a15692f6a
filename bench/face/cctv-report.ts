/** The CCTV part of bench:face-accuracy: probes, distances by width, vote rules compared, the chart. */
import { FaceChain } from '../../models/index.js';
import type { Config } from '../../pipeline/config/index.js';
import { qualityProblems } from '../../pipeline/face-quality-rule.js';
import { identifyVoteOptions } from '../../pipeline/track-votes.js';
import { loadConfig } from '../../runtime/config.js';
import {
  evaluateRule,
  makeProbes,
  type RuleCandidate,
  type RuleResult,
  widthBuckets,
  type WidthBucket,
} from './cctv-accuracy.js';
import { writeDistanceChart } from './distance-chart.js';
import { type CandidateResult, openSetCandidates } from './open-set.js';
import { npmCohort, npmStrangers, type Photo, sourceFaces } from './photo-sets.js';
import { ProbeCache } from './probe-cache.js';

export interface CctvReport {
  enrolled_faces: number;
  stranger_faces: number;
  probe_frames: number;
  /** Every frame whose face was found, and only the frames that pass the vote quality rule. */
  by_width_all_faces: WidthBucket[];
  by_width_voting_faces: WidthBucket[];
  tar_at_far0_by_width: Record<number, number | null>;
  rules: RuleResult[];
  /** The default rule's figures. */
  false_matches_per_1000_stranger_tracks: number;
  recall_at_48px_plus: number;
  /** Cohort normalisation and templates per person, each calibrated to no false match (bench/face/open-set.ts). */
  open_set_candidates: {
    cohort: { source: string; grid_cells: number; faces: number; excluded_as_possibly_enrolled_or_probe: number };
    candidates: CandidateResult[];
  };
}

/** The default rule, today's (before quality), and the default without each of its parts. */
function candidates(cfg: Config, threshold: number): RuleCandidate[] {
  const vote = identifyVoteOptions(cfg.identify, threshold);
  const quality = cfg.identify.voteQuality;
  return [
    { name: 'before: 2 of 5 under 0.41, faces >= 24 px', quality: null, vote: { k: 2, n: 5, threshold } },
    { name: 'default', quality, vote },
    {
      name: 'default without the quality rule',
      quality: { ...quality, minWidthPx: 24, minSharpness: 0, maxLandmarkError: 99, maxYaw: 90, maxPitch: 90 },
      vote,
    },
    { name: 'default without majority', quality, vote: { ...vote, majority: false } },
    { name: 'default without margin', quality, vote: { ...vote, minMargin: 0 } },
    { name: 'default without the small-face threshold', quality, vote: { ...vote, smallFace: undefined } },
    { name: 'default, 3 of 5', quality, vote: { ...vote, k: 3 } },
    { name: 'default, vote from 40 px', quality: { ...quality, minWidthPx: 40 }, vote },
    { name: 'default, threshold x 1.0', quality, vote: { ...vote, threshold } },
  ];
}

export async function cctvReport(photos: Photo[], chartPath?: string, cacheDir?: string): Promise<CctvReport> {
  // Every face is described, however small: the rule decides which vote.
  const cfg = loadConfig({ overrides: { 'identify.minFacePx': 8 } });
  const chain = await FaceChain.create(cfg);
  const enrolled = await sourceFaces(chain, photos);
  const strangers = await npmStrangers(chain);
  const fingerprint = JSON.stringify({ chain: chain.embedderId, models: cfg.models, identify: cfg.identify });
  const cache = cacheDir ? new ProbeCache(cacheDir, fingerprint) : undefined;
  const probes = await makeProbes(chain, enrolled, strangers, { cache });
  cache?.save();
  const rules = candidates(cfg, chain.matchThreshold);
  const vote = rules[1]!.vote;
  const voting = cfg.identify.voteQuality;
  const results = rules.map((r) => evaluateRule(probes, r));
  const byVoting = widthBuckets(probes, vote.threshold, voting);
  if (chartPath) {
    await writeDistanceChart(chartPath, probes, {
      minWidthPx: voting.minWidthPx,
      threshold: vote.threshold,
      smallFacePx: vote.smallFace!.belowPx,
      smallFaceThreshold: vote.smallFace!.threshold,
      votes: (p) => p.face !== null && qualityProblems(p.face.measures, voting).length === 0,
    });
  }
  const cohort = await npmCohort(chain, [...enrolled, ...strangers], chain.matchThreshold);
  const openSet = openSetCandidates(
    probes,
    enrolled,
    cohort.faces.map((f) => f.descriptor),
    cfg,
    chain.matchThreshold,
  );
  const def = results[1]!;
  return {
    enrolled_faces: enrolled.length,
    stranger_faces: strangers.length,
    probe_frames: probes.length,
    by_width_all_faces: widthBuckets(probes, vote.threshold),
    by_width_voting_faces: byVoting,
    tar_at_far0_by_width: Object.fromEntries(byVoting.map((b) => [b.width, b.tar_at_far0])),
    rules: results,
    false_matches_per_1000_stranger_tracks: def.false_matches_per_1000_stranger_tracks,
    recall_at_48px_plus: def.recall_at_48px_plus,
    open_set_candidates: {
      cohort: {
        source: '@vladmandic/human assets/screenshot-facematch.jpg (face crops)',
        grid_cells: cohort.cells,
        faces: cohort.faces.length,
        excluded_as_possibly_enrolled_or_probe: cohort.excluded,
      },
      candidates: openSet,
    },
  };
}
