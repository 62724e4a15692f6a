import { type ReplayAlert, type ReplayResult, type ReplayTrack, voteRuleInputs } from '../replay.js';
import type { ReplayTimeline, VoteRule } from './timeline.js';

type Best = NonNullable<ReplayTrack['best']>;

/** The parts of a replay's result (pipeline/replay.ts) the evaluation reads. */
export interface ReplayResultLike extends Pick<ReplayResult, 'video' | 'frames' | 'durationSec'> {
  tracks: Array<
    Pick<ReplayTrack, 'id' | 'identity' | 'start' | 'end'> & {
      best: (Pick<Best, 't'> & Partial<Pick<Best, 'personBox' | 'thumbnail'>>) | null;
      votes: Array<
        Pick<ReplayTrack['votes'][number], 't' | 'name' | 'distance'> &
          Partial<Pick<ReplayTrack['votes'][number], 'secondDistance' | 'widthPx' | 'problems' | 'lowLight'>>
      >;
    }
  >;
  alerts: Array<Pick<ReplayAlert, 'identity' | 't' | 'distance' | 'track'>>;
}

/** A replay's result as the timeline the evaluation and the HTML report read. */
export function timelineFromReplay(
  result: ReplayResultLike,
  settings: { threshold: number; votes: VoteRule },
): ReplayTimeline {
  return {
    video: result.video,
    durationSec: result.durationSec,
    frames: result.frames,
    threshold: settings.threshold,
    votes: settings.votes,
    tracks: result.tracks.map((t) => ({
      id: String(t.id),
      start: t.start,
      end: t.end,
      identity: t.identity ? { name: t.identity.name, id: t.identity.id } : null,
      ...(t.best
        ? {
            best: {
              t: t.best.t,
              ...(t.best.personBox ? { personBox: t.best.personBox } : {}),
              ...(t.best.thumbnail ? { thumbnail: t.best.thumbnail } : {}),
            },
          }
        : {}),
      scores: t.votes.map((v) => ({
        t: v.t,
        name: v.name,
        distance: v.distance,
        ...voteRuleInputs(v),
      })),
    })),
    alerts: result.alerts.map((a) => ({
      identity: { name: a.identity.name, id: a.identity.id },
      t: a.t,
      distance: a.distance,
      ...(a.track === null ? {} : { trackId: String(a.track) }),
    })),
  };
}
