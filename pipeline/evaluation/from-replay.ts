import type { Box } from '../geometry.js';
import type { ReplayTimeline } from './timeline.js';

/**
 * The parts of the replay runner's result (workers/replay `ReplayResult`) the
 * evaluation reads, declared here structurally so the domain does not import a
 * worker. `best.thumbnail` is not in the runner's result yet: without it the
 * report shows a placeholder.
 */
export interface ReplayResultLike {
  video: string;
  frames: number;
  durationSec: number;
  tracks: Array<{
    id: number | string;
    identity: { name: string; id?: string } | null;
    start: number;
    end: number;
    best: { t: number; personBox?: Box; thumbnail?: string } | null;
    votes: Array<{ t: number; name: string | null; distance: number | null }>;
  }>;
  alerts: Array<{
    identity: { name: string; id?: string };
    t: number;
    distance: number;
    track: number | string | null;
  }>;
}

/** A replay's result as the timeline the evaluation and the HTML report read. */
export function timelineFromReplay(
  result: ReplayResultLike,
  settings: { threshold: number; votes: { k: number; n: number } },
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
      identity: t.identity ? { name: t.identity.name, ...(t.identity.id ? { id: t.identity.id } : {}) } : null,
      ...(t.best
        ? {
            best: {
              t: t.best.t,
              ...(t.best.personBox ? { personBox: t.best.personBox } : {}),
              ...(t.best.thumbnail ? { thumbnail: t.best.thumbnail } : {}),
            },
          }
        : {}),
      scores: t.votes.map((v) => ({ t: v.t, name: v.name, distance: v.distance })),
    })),
    alerts: result.alerts.map((a) => ({
      identity: { name: a.identity.name, ...(a.identity.id ? { id: a.identity.id } : {}) },
      t: a.t,
      distance: a.distance,
      ...(a.track === null ? {} : { trackId: String(a.track) }),
    })),
  };
}
