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

describe('aggregateVotes with quality and open-set evidence', () => {
  const q = (seq: number, id: string, distance: number, extra: Partial<FrameVote> = {}): FrameVote => ({
    ...vote(seq, id, distance),
    widthPx: 80,
    secondDistance: distance + 0.1,
    problems: [],
    ...extra,
  });
  const strict = {
    k: 2,
    n: 5,
    threshold: 0.39,
    smallFace: { belowPx: 64, threshold: 0.38 },
    minMargin: 0.02,
    majority: true,
  };

  it('ignores frames whose face is too poor to vote', () => {
    const votes = [
      q(1, 'a', 0.3, { problems: ['too_small'] }),
      q(2, 'a', 0.3),
      q(3, 'a', 0.3, { problems: ['too_blurred'] }),
    ];
    expect(aggregateVotes(votes, strict).match).toBe(false);
    const d = aggregateVotes([...votes, q(4, 'a', 0.32)], strict);
    expect(d).toMatchObject({ match: true, id: 'a', framesAgreed: 2, framesIgnored: 2 });
  });

  it('holds low-light faces to the threshold times lowLightScale, small or not', () => {
    const night = { ...strict, lowLightScale: 0.9 };
    const dark = [q(1, 'a', 0.36, { lowLight: true }), q(2, 'a', 0.36, { lowLight: true })];
    expect(aggregateVotes(dark, night).match).toBe(false);
    expect(aggregateVotes(dark, strict).match).toBe(true);
    // 0.345: under 0.39 x 0.9, over the small-face 0.38 x 0.9.
    const closer = dark.map((v) => ({ ...v, distance: 0.345 }));
    expect(aggregateVotes(closer, night).match).toBe(true);
    const smallDark = closer.map((v) => ({ ...v, widthPx: 40 }));
    expect(aggregateVotes(smallDark, night).match).toBe(false);
  });

  it('holds small faces to the stricter threshold', () => {
    const small = [q(1, 'a', 0.385, { widthPx: 40 }), q(2, 'a', 0.385, { widthPx: 40 })];
    expect(aggregateVotes(small, strict).match).toBe(false);
    expect(
      aggregateVotes(
        small.map((v) => ({ ...v, widthPx: 64 })),
        strict,
      ).match,
    ).toBe(true);
  });

  it('needs a margin over the next identity', () => {
    const close = [q(1, 'a', 0.3, { secondDistance: 0.31 }), q(2, 'a', 0.3, { secondDistance: 0.31 })];
    expect(aggregateVotes(close, strict).match).toBe(false);
    expect(aggregateVotes(close, { ...strict, minMargin: 0 }).match).toBe(true);
  });

  it('counts a changing nearest identity against the match (the corridor stranger of issue 19)', () => {
    // five names at 0.44-0.47, then two frames of one of them under the threshold
    const names = ['b', 'c', 'd', 'e', 'f'];
    const votes = [...names.slice(0, 3).map((n, i) => q(i + 1, n, 0.44 + i * 0.01)), q(4, 'a', 0.37), q(5, 'a', 0.37)];
    expect(aggregateVotes(votes, { ...strict, majority: false }).match).toBe(true);
    expect(aggregateVotes(votes, strict).match).toBe(false);
  });

  it('reports evidence and a strength', () => {
    const d = aggregateVotes([q(1, 'a', 0.3), q(2, 'a', 0.31), q(3, 'a', 0.29)], { ...strict, k: 2 });
    expect(d).toMatchObject({ match: true, framesAgreed: 2, framesDisagreed: 0, margin: 0.1, strength: 'strong' });
    const three = aggregateVotes([q(1, 'a', 0.3), q(2, 'b', 0.5), q(3, 'a', 0.31), q(4, 'a', 0.29)], {
      ...strict,
      k: 3,
    });
    expect(three).toMatchObject({ match: true, framesAgreed: 3, framesDisagreed: 1, strength: 'weak' });
  });
});

describe('strengthOf', () => {
  it('is strong only with nobody else named, a clear margin and headroom, on faces of 64 px or more', async () => {
    const { strengthOf } = await import('./track-votes.js');
    const clear = { framesDisagreed: 0, margin: 0.12, headroom: 0.08, minWidthPx: 80 };
    expect(strengthOf(clear)).toBe('strong');
    expect(strengthOf({ ...clear, margin: null })).toBe('strong');
    expect(strengthOf({ ...clear, minWidthPx: 48 })).toBe('moderate');
    expect(strengthOf({ ...clear, margin: 0.06 })).toBe('moderate');
    expect(strengthOf({ ...clear, framesDisagreed: 1 })).toBe('weak');
    expect(strengthOf({ ...clear, margin: 0.03 })).toBe('weak');
    expect(strengthOf({ ...clear, headroom: 0.01 })).toBe('weak');
  });
});
