import { describe, expect, it } from 'vitest';
import { timelineFromReplay, type ReplayResultLike } from './from-replay.js';
import { parseTimeline } from './timeline.js';

const result: ReplayResultLike = {
  video: 'enrolled-walk-in.mp4',
  frames: 100,
  durationSec: 20,
  tracks: [
    {
      id: 1,
      identity: { id: 'p-1', name: 'subject-a' },
      start: 2.4,
      end: 15,
      best: { t: 5, personBox: [500, 290, 760, 720] },
      votes: [
        { t: 3, name: 'subject-a', distance: 0.51 },
        { t: 3.2, name: null, distance: null },
      ],
    },
    { id: 2, identity: null, start: 16, end: 19, best: null, votes: [] },
  ],
  alerts: [{ identity: { id: 'p-1', name: 'subject-a' }, t: 3.4, distance: 0.5, track: 1 }],
};

describe('timelineFromReplay', () => {
  it('maps the runner result onto a valid timeline', () => {
    const timeline = timelineFromReplay(result, { threshold: 0.56, votes: { k: 2, n: 5 } });
    expect(parseTimeline(timeline)).toEqual(timeline);
    expect(timeline.tracks[0]).toEqual({
      id: '1',
      start: 2.4,
      end: 15,
      identity: { name: 'subject-a', id: 'p-1' },
      best: { t: 5, personBox: [500, 290, 760, 720] },
      scores: [
        { t: 3, name: 'subject-a', distance: 0.51 },
        { t: 3.2, name: null, distance: null },
      ],
    });
    expect(timeline.tracks[1]).toEqual({ id: '2', start: 16, end: 19, identity: null, scores: [] });
    expect(timeline.alerts).toEqual([
      { identity: { name: 'subject-a', id: 'p-1' }, t: 3.4, distance: 0.5, trackId: '1' },
    ]);
  });

  it('rejects a timeline whose thumbnail is not an inline image', () => {
    const bad = timelineFromReplay(
      { ...result, tracks: [{ ...result.tracks[0]!, best: { t: 5, thumbnail: 'https://example.org/x.jpg' } }] },
      { threshold: 0.56, votes: { k: 2, n: 5 } },
    );
    expect(() => parseTimeline(bad, 'replay.json')).toThrow(/replay\.json: tracks\.0\.best\.thumbnail/);
  });
});
