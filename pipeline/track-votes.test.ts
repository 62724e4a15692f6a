import { describe, expect, it } from 'vitest';
import { aggregateVotes, type FrameVote } from './track-votes.js';

const opts = { k: 2, n: 5, threshold: 0.56 };

/** A vote factory: frame `seq`, nearest identity `id` at `distance`, weight `w`. */
const vote = (seq: number, id: string | null, distance: number | null, w = 0.5): FrameVote => ({
  seq,
  ts: 1000 + seq * 200,
  candidateId: id,
  candidateName: id ? id.toUpperCase() : null,
  distance,
  weight: w,
  faceBox: [0, 0, 10, 10],
  personBox: [0, 0, 30, 90],
  frameKey: `frame:${seq}`,
  faceCropKey: id && distance !== null && distance < 0.56 ? `face:${seq}` : null,
});

describe('aggregateVotes', () => {
  it('does not match on a single frame under the threshold', () => {
    expect(aggregateVotes([vote(1, 'a', 0.4)], opts)).toEqual({ match: false, reason: 'no_agreement', votes: 1 });
    expect(aggregateVotes([], opts)).toEqual({ match: false, reason: 'no_votes', votes: 0 });
  });

  it('matches when k of n frames agree, with the quality-weighted mean distance and the best face', () => {
    const d = aggregateVotes([vote(1, 'a', 0.5, 0.2), vote(2, 'b', 0.7), vote(4, 'a', 0.4, 0.8)], opts);
    expect(d.match).toBe(true);
    if (!d.match) return;
    expect(d.id).toBe('a');
    expect(d.name).toBe('A');
    expect(d.distance).toBeCloseTo((0.2 * 0.5 + 0.8 * 0.4) / 1.0, 10);
    expect(d.best.seq).toBe(4);
    expect(d.decidingSeq).toBe(4);
    expect(d.votes.map((v) => v.seq)).toEqual([1, 4]);
  });

  it('needs the agreeing frames inside one window of n', () => {
    const far = [
      vote(1, 'a', 0.4),
      vote(2, 'a', 0.7),
      vote(3, 'a', 0.8),
      vote(4, 'b', 0.3),
      vote(5, 'a', 0.9),
      vote(6, 'a', 0.45),
    ];
    // Frames 1 and 6 agree but are 6 identified frames apart: no match with n = 5, a match with n = 6.
    expect(aggregateVotes(far, opts).match).toBe(false);
    expect(aggregateVotes(far, { ...opts, n: 6 }).match).toBe(true);
  });

  it('ignores votes at or over the threshold and votes without a candidate', () => {
    expect(aggregateVotes([vote(1, 'a', 0.56), vote(2, 'a', 0.6), vote(3, null, null)], opts).match).toBe(false);
  });

  it('decides the same whatever order the votes arrived in', () => {
    const votes = [vote(3, 'b', 0.5), vote(1, 'a', 0.3), vote(5, 'b', 0.52), vote(2, 'a', 0.35), vote(4, 'b', 0.2)];
    const forward = aggregateVotes(votes, opts);
    const backward = aggregateVotes([...votes].reverse(), opts);
    expect(forward).toEqual(backward);
    // The earliest window decides: a (frames 1, 2) before b (frames 3, 4).
    expect(forward.match && forward.id).toBe('a');
    expect(forward.match && forward.decidingSeq).toBe(2);
  });

  it('lets the first identity to reach k votes win', () => {
    const d = aggregateVotes([vote(1, 'b', 0.5), vote(2, 'a', 0.3), vote(3, 'b', 0.5), vote(4, 'a', 0.31)], {
      ...opts,
      k: 2,
    });
    // At frame 3, only b has two votes.
    expect(d.match && [d.id, d.decidingSeq]).toEqual(['b', 3]);
  });
});
