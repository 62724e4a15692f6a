import { describe, expect, it } from 'vitest';
import type { MatchEvent } from '../../pipeline/events.js';
import type { TrackSummary, VoteRecord } from '../../pipeline/track-log.js';
import { buildTimeline } from './timeline.js';

const T0 = 1_700_000_000_000;

const track = (trackId: string, firstSec: number, lastSec: number): TrackSummary => ({
  type: 'track',
  cameraId: 'replay',
  trackId,
  firstTs: T0 + firstSec * 1000,
  lastTs: T0 + lastSec * 1000,
  firstSeq: firstSec * 5,
  lastSeq: lastSec * 5,
  hits: (lastSec - firstSec) * 5 + 1,
  identifyFrames: 3,
  best: {
    seq: firstSec * 5 + 2,
    ts: T0 + firstSec * 1000 + 400,
    frameKey: 'k',
    quality: 0.4,
    personBox: [0, 0, 10, 30],
  },
});

const vote = (trackId: string, seq: number, name: string, distance: number): VoteRecord => ({
  type: 'vote',
  cameraId: 'replay',
  trackId,
  seq,
  ts: T0 + seq * 200,
  candidateId: name,
  candidateName: name,
  distance,
  weight: 0.5,
  faceBox: [0, 0, 5, 5],
});

const match = (trackId: string, lastSec: number): MatchEvent => ({
  type: 'match',
  eventId: `match-replay-${trackId}`,
  cameraId: 'replay',
  trackId,
  perpetratorId: 'amy',
  name: 'amy',
  distance: 0.41,
  scores: [{ ts: T0 + lastSec * 1000, seq: lastSec * 5, distance: 0.41, faceBox: [0, 0, 5, 5] }],
  best: {
    frameKey: 'k',
    ts: T0 + lastSec * 1000,
    seq: lastSec * 5,
    personBox: null,
    faceBox: [0, 0, 5, 5],
    faceCropKey: null,
  },
  firstSeen: T0 + 2000,
  lastSeen: T0 + lastSec * 1000,
  galleryVersion: 1,
});

describe('buildTimeline', () => {
  it('numbers tracks by appearance, attaches identities, votes and alerts on the footage clock', () => {
    const { tracks, alerts } = buildTimeline({
      records: [
        track('x-t7', 9, 12),
        track('x-t2', 2, 6),
        vote('x-t2', 16, 'amy', 0.5),
        vote('x-t2', 12, 'amy', 0.41),
        vote('x-t7', 46, 'amy', 0.8),
      ],
      events: [match('x-t2', 3.2)],
      t0: T0,
    });
    expect(tracks.map((t) => [t.id, t.trackId, t.identity?.name ?? null, t.start, t.end])).toEqual([
      [1, 'x-t2', 'amy', 2, 6],
      [2, 'x-t7', null, 9, 12],
    ]);
    expect(tracks[0]!.votes.map((v) => [v.seq, v.t, v.distance])).toEqual([
      [12, 2.4, 0.41],
      [16, 3.2, 0.5],
    ]);
    expect(tracks[0]!.best?.t).toBe(2.4);
    expect(alerts).toEqual([
      expect.objectContaining({ identity: { id: 'amy', name: 'amy' }, t: 3.2, distance: 0.41, track: 1, firstSeen: 2 }),
    ]);
  });
});
