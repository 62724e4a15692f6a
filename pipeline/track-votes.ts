/**
 * One match per appearance: identification results of a track's frames are
 * aggregated before anyone is alerted. A frame votes only when its face passed the
 * quality rule (pipeline/face-quality-rule.ts). A track matches an identity when, in a
 * window of n consecutive voting frames (by frame order), k put that identity under the
 * threshold (a stricter one for small faces) with a margin over the next identity, and
 * more frames agree than name somebody else: a track whose nearest identity keeps
 * changing is a stranger who happens to sit near several enrolled faces, not a match.
 *
 * The decision depends only on the set of votes, not on the order they arrived in
 * (identify workers run in parallel): it is the earliest window, by frame number,
 * in which the rule holds.
 */
import { z } from 'zod';
import type { Config } from './config/index.js';
import type { QualityProblem } from './face-quality-rule.js';
import type { Box } from './geometry.js';

/** What identification found in one frame of a track (a face was found and described). */
export interface FrameVote {
  seq: number;
  ts: number;
  /** Nearest watchlist identity, whatever its distance (null: empty watchlist for this camera). */
  candidateId: string | null;
  candidateName: string | null;
  distance: number | null;
  /** Distance of the nearest other identity (null: only one identity is watched on this camera). */
  secondDistance?: number | null;
  /** Face quality in [0,1] (qualityScore): ranks the evidence and weights the mean distance. */
  weight: number;
  /** Face width, source pixels. */
  widthPx?: number;
  /** A face in a dark picture: held to the stricter lowLightScale. */
  lowLight?: boolean;
  /** Why the face cannot vote (empty or absent: it votes). */
  problems?: QualityProblem[];
  faceBox: Box;
  personBox: Box;
  frameKey: string;
  /** Face crop JPEG, stored only when the face was under the threshold. */
  faceCropKey: string | null;
}

export interface VoteOptions {
  /** Agreeing frames needed (cfg.identify.votesK). */
  k: number;
  /** Window of consecutive voting frames (cfg.identify.votesN). */
  n: number;
  /** Distance under which a frame votes for its candidate. */
  threshold: number;
  /** Faces narrower than `belowPx` need a distance under this stricter threshold. */
  smallFace?: { belowPx: number; threshold: number };
  /** A low-light face's threshold is multiplied by this (night faces sit closer to strangers; bench:face-night). */
  lowLightScale?: number;
  /** The nearest other identity must be at least this much farther (0: no margin). */
  minMargin?: number;
  /** Agreeing frames must outnumber voting frames that name another identity. */
  majority?: boolean;
}

/**
 * The vote rule relative to the embedder's threshold, as identify.* sets it: a replay's sweep moves the base threshold
 * and every part of the rule scales with it. Timelines written before the quality rule hold only k and n.
 */
export const voteRuleSchema = z.object({
  k: z.number().int().positive(),
  n: z.number().int().positive(),
  thresholdScale: z.number().positive().optional(),
  smallFace: z.object({ belowPx: z.number(), scale: z.number().positive() }).optional(),
  lowLightScale: z.number().positive().optional(),
  minMargin: z.number().min(0).optional(),
  majority: z.boolean().optional(),
});
export type VoteRule = z.infer<typeof voteRuleSchema>;

export function identifyVoteRule(c: Config['identify']): VoteRule {
  return {
    k: c.votesK,
    n: c.votesN,
    thresholdScale: c.thresholdScale,
    smallFace: { belowPx: c.smallFacePx, scale: c.smallFaceThresholdScale },
    lowLightScale: c.lowLightThresholdScale,
    minMargin: c.minMargin,
    majority: c.majority,
  };
}

/** The rule's options at a base threshold (the embedder's, or one a sweep tries). */
export function voteOptionsAt(rule: VoteRule, threshold: number): VoteOptions {
  return {
    k: rule.k,
    n: rule.n,
    threshold: threshold * (rule.thresholdScale ?? 1),
    ...(rule.smallFace
      ? { smallFace: { belowPx: rule.smallFace.belowPx, threshold: threshold * rule.smallFace.scale } }
      : {}),
    ...(rule.lowLightScale === undefined ? {} : { lowLightScale: rule.lowLightScale }),
    ...(rule.minMargin === undefined ? {} : { minMargin: rule.minMargin }),
    ...(rule.majority === undefined ? {} : { majority: rule.majority }),
  };
}

/** The vote rule of identify.* around the embedder's threshold (identify workers, the bench and replays' sweeps). */
export function identifyVoteOptions(c: Config['identify'], threshold: number): VoteOptions {
  return voteOptionsAt(identifyVoteRule(c), threshold);
}

export type Strength = 'strong' | 'moderate' | 'weak';

/** What the operator sees of a match's evidence. */
export interface MatchEvidence {
  /** Voting frames in the deciding window that agreed, and that named somebody else. */
  framesAgreed: number;
  framesDisagreed: number;
  /** Frames of the track whose face was too poor to vote. */
  framesIgnored: number;
  /** Smallest distance gap between the agreeing frames' identity and the next one (null: one identity watched). */
  margin: number | null;
  strength: Strength;
}

export type VoteDecision =
  | ({
      match: true;
      id: string;
      name: string;
      /** Quality-weighted mean distance of the agreeing votes. */
      distance: number;
      /** The agreeing votes, in frame order. */
      votes: FrameVote[];
      /** The agreeing vote with the best face (evidence). */
      best: FrameVote;
      /** Frame at which the deciding vote arrived. */
      decidingSeq: number;
    } & MatchEvidence)
  | { match: false; reason: 'no_votes' | 'no_agreement'; votes: number };

const votes = (v: FrameVote) => !v.problems || v.problems.length === 0;

/** The threshold a vote must be under (stricter for small faces). */
export function thresholdFor(v: FrameVote, opts: VoteOptions): number {
  const small = opts.smallFace;
  const t = small && v.widthPx !== undefined && v.widthPx < small.belowPx ? small.threshold : opts.threshold;
  return v.lowLight && opts.lowLightScale !== undefined ? t * opts.lowLightScale : t;
}

const agrees = (v: FrameVote, opts: VoteOptions): boolean =>
  v.candidateId !== null &&
  v.distance !== null &&
  v.distance < thresholdFor(v, opts) &&
  (v.secondDistance ?? Number.POSITIVE_INFINITY) - v.distance >= (opts.minMargin ?? 0);

function weightedMean(vs: FrameVote[]): number {
  let sw = 0;
  let sd = 0;
  for (const v of vs) {
    const w = Math.max(v.weight, 1e-3);
    sw += w;
    sd += w * v.distance!;
  }
  return sd / sw;
}

/** What the strength is judged on, all known when the match fires. */
export interface StrengthInput {
  framesDisagreed: number;
  /** Smallest gap to the next identity (null: one identity watched). */
  margin: number | null;
  /** Smallest gap between an agreeing frame's distance and its threshold. */
  headroom: number;
  /** Narrowest agreeing face, px (undefined: not measured). */
  minWidthPx?: number;
}

/**
 * strong: nobody else named, a clear margin (0.08) over the next identity, distances
 * well under the threshold (0.05) and faces of 64 px or more; weak: another identity
 * was named, or the margin (under 0.04) or headroom (under 0.02) is thin; moderate
 * otherwise. Measured on bench:face-accuracy's probe tracks (README).
 */
export function strengthOf(e: StrengthInput): Strength {
  const margin = e.margin ?? Number.POSITIVE_INFINITY;
  if (e.framesDisagreed > 0 || margin < 0.04 || e.headroom < 0.02) return 'weak';
  if (margin >= 0.08 && e.headroom >= 0.05 && (e.minWidthPx ?? 0) >= 64) return 'strong';
  return 'moderate';
}

export function aggregateVotes(all: FrameVote[], opts: VoteOptions): VoteDecision {
  if (!all.length) return { match: false, reason: 'no_votes', votes: 0 };
  const sorted = [...all].sort((a, b) => a.seq - b.seq);
  const voting = sorted.filter(votes);
  for (let end = 0; end < voting.length; end++) {
    const window = voting.slice(Math.max(0, end - opts.n + 1), end + 1);
    const byId = new Map<string, FrameVote[]>();
    for (const v of window) if (agrees(v, opts)) byId.set(v.candidateId!, [...(byId.get(v.candidateId!) ?? []), v]);
    const winners = [...byId.entries()]
      .map(([id, vs]) => ({ id, vs, distance: weightedMean(vs), against: window.filter((v) => v.candidateId !== id) }))
      .filter((w) => w.vs.length >= opts.k && (!opts.majority || w.vs.length > w.against.length))
      .sort((a, b) => b.vs.length - a.vs.length || a.distance - b.distance || (a.id < b.id ? -1 : 1));
    const win = winners[0];
    if (!win) continue;
    const best = win.vs.reduce((a, b) => (b.weight > a.weight ? b : a));
    const margins = win.vs.flatMap((v) => (v.secondDistance == null ? [] : [v.secondDistance - v.distance!]));
    const decidingSeq = voting[end]!.seq;
    const evidence = {
      framesAgreed: win.vs.length,
      framesDisagreed: win.against.length,
      framesIgnored: sorted.filter((v) => !votes(v) && v.seq <= decidingSeq).length,
      margin: margins.length ? Math.round(Math.min(...margins) * 1e4) / 1e4 : null,
    };
    const widths = win.vs.flatMap((v) => (v.widthPx === undefined ? [] : [v.widthPx]));
    const strength = strengthOf({
      ...evidence,
      headroom: Math.min(...win.vs.map((v) => thresholdFor(v, opts) - v.distance!)),
      minWidthPx: widths.length ? Math.min(...widths) : undefined,
    });
    return {
      match: true,
      id: win.id,
      name: win.vs[0]!.candidateName ?? win.id,
      distance: win.distance,
      votes: win.vs,
      best,
      decidingSeq,
      ...evidence,
      strength,
    };
  }
  return { match: false, reason: 'no_agreement', votes: sorted.length };
}
