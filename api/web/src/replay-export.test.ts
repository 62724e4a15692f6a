import { describe, expect, it } from 'vitest';
import { replayTracksCsv } from './replay-export.js';
import type { Replay } from './types.js';

describe('replay CSV export', () => {
  it('writes one row per track with identity and duration, names quoted', () => {
    const replay: Replay = {
      id: 'r1',
      status: 'done',
      source: 'porch.mp4',
      watchlist: 'every enrolled perpetrator',
      caseId: null,
      createdAt: 1,
      createdBy: 'analyst',
      finishedAt: 2,
      error: null,
      progress: { frames: 10, total: 10, fps: 5, etaSec: 0 },
      result: {
        frames: 10,
        durationSec: 2,
        tracks: [
          { id: 't1', identity: { id: 'p1', name: 'Doe, Jane' }, start: 1.5, end: 4 },
          { id: 't2', identity: null, start: 6, end: 6.25 },
        ],
        alerts: [],
      },
    };
    expect(replayTracksCsv(replay).split('\r\n')).toEqual([
      'replay,track,identity,start_sec,end_sec,duration_sec',
      'r1,t1,"Doe, Jane",1.5,4,2.50',
      'r1,t2,,6,6.25,0.25',
      '',
    ]);
  });
});
