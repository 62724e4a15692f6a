/**
 * One match per appearance: identification results of a track's frames are
 * aggregated before anyone is alerted. A track matches an identity when k of n
 * consecutive identified frames (by frame order) put that identity's distance under
 * the threshold; the reported distance is their mean weighted by face quality.
 *
 * The decision depends only on the set of votes, not on the order they arrived in
 * (identify workers run in parallel): it is the earliest window, by frame number,
 * in which k votes agree.
 */
import type { Box } from './geometry.js';

/** What identification found in one frame of a track (a face was found and described). */
export interface FrameVote {
  seq: number;
  ts: number;
  /** Nearest watchlist identity, whatever its distance (null: empty watchlist for this camera). */
  candidateId: string | null;
  candidateName: string | null;
  distance: number | null;
  /** Face quality in [0,1] (size, detector score, sharpness): the vote's weight. */
  weight: number;
  faceBox: Box;
  personBox: Box;
  frameKey: string;
  /** Face crop JPEG, stored only when the face was under the threshold. */
  faceCropKey: string | null;
}

export interface VoteOptions {
  /** Agreeing frames needed (cfg.identify.votesK). */
  k: number;
  /** Window of consecutive identified frames (cfg.identify.votesN). */
  n: number;
  /** Distance under which a frame votes for its candidate. */
  threshold: number;
}

export type VoteDecision =
  | {
      match: true;
      id: string;
      name: string;
      /** Quality-weighted mean distance of the agreeing votes. */
      distance: number;
      /** The agreeing votes, in frame order. */
      votes: FrameVote[];
      /** The agreeing vote with the best face (evidence). */
      best: FrameVote;
      /** Frame at which the k-th agreeing vote arrived. */
      decidingSeq: number;
    }
  | { match: false; reason: 'no_votes' | 'no_agreement'; votes: number };

const agrees = (v: FrameVote, threshold: number): v is FrameVote & { candidateId: string; distance: number } =>
  v.candidateId !== null && v.distance !== null && v.distance < threshold;

function weightedMean(votes: FrameVote[]): number {
  let sw = 0;
  let sd = 0;
  for (const v of votes) {
    const w = Math.max(v.weight, 1e-3);
    sw += w;
    sd += w * v.distance!;
  }
  return sd / sw;
}

export function aggregateVotes(all: FrameVote[], opts: VoteOptions): VoteDecision {
  if (!all.length) return { match: false, reason: 'no_votes', votes: 0 };
  const votes = [...all].sort((a, b) => a.seq - b.seq);
  for (let end = 0; end < votes.length; end++) {
    const window = votes.slice(Math.max(0, end - opts.n + 1), end + 1);
    const byId = new Map<string, FrameVote[]>();
    for (const v of window)
      if (agrees(v, opts.threshold)) byId.set(v.candidateId!, [...(byId.get(v.candidateId!) ?? []), v]);
    const winners = [...byId.entries()]
      .filter(([, vs]) => vs.length >= opts.k)
      .map(([id, vs]) => ({ id, vs, distance: weightedMean(vs) }))
      .sort((a, b) => b.vs.length - a.vs.length || a.distance - b.distance || (a.id < b.id ? -1 : 1));
    const win = winners[0];
    if (!win) continue;
    const best = win.vs.reduce((a, b) => (b.weight > a.weight ? b : a));
    return {
      match: true,
      id: win.id,
      name: win.vs[0]!.candidateName ?? win.id,
      distance: win.distance,
      votes: win.vs,
      best,
      decidingSeq: votes[end]!.seq,
    };
  }
  return { match: false, reason: 'no_agreement', votes: votes.length };
}
