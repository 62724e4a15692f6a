import type { MatchEvent } from '../../pipeline/events.js';
import { type ReplayAlert, type ReplayTrack, voteRuleInputs } from '../../pipeline/replay.js';
import type { TrackLogRecord, TrackSummary, VoteRecord } from '../../pipeline/track-log.js';

/** Seconds from `t0`, to the millisecond. */
const sec = (ts: number, t0: number) => Math.round(ts - t0) / 1000;

/** Tracks and alerts of a replay, on the footage's clock, from the track log and the match events. */
export function buildTimeline(input: { records: TrackLogRecord[]; events: MatchEvent[]; t0: number }): {
  tracks: ReplayTrack[];
  alerts: ReplayAlert[];
} {
  const { t0 } = input;
  const summaries = input.records
    .filter((r): r is TrackSummary => r.type === 'track')
    .sort((a, b) => a.firstTs - b.firstTs || a.firstSeq - b.firstSeq || a.trackId.localeCompare(b.trackId));
  const votes = new Map<string, VoteRecord[]>();
  for (const r of input.records) if (r.type === 'vote') votes.set(r.trackId, [...(votes.get(r.trackId) ?? []), r]);
  const matchOf = new Map(input.events.map((e) => [e.trackId, e]));
  const ordinal = new Map(summaries.map((s, i) => [s.trackId, i + 1]));

  const tracks = summaries.map((s): ReplayTrack => {
    const m = matchOf.get(s.trackId);
    return {
      id: ordinal.get(s.trackId)!,
      trackId: s.trackId,
      identity: m ? { id: m.perpetratorId, name: m.name } : null,
      start: sec(s.firstTs, t0),
      end: sec(s.lastTs, t0),
      hits: s.hits,
      identifyFrames: s.identifyFrames,
      best: s.best
        ? { t: sec(s.best.ts, t0), seq: s.best.seq, quality: s.best.quality, personBox: s.best.personBox }
        : null,
      votes: (votes.get(s.trackId) ?? [])
        .sort((a, b) => a.seq - b.seq)
        .map((v) => ({
          t: sec(v.ts, t0),
          seq: v.seq,
          name: v.candidateName,
          distance: v.distance,
          weight: v.weight,
          ...voteRuleInputs(v),
        })),
    };
  });
  const alerts = [...input.events]
    .sort((a, b) => a.lastSeen - b.lastSeen || a.eventId.localeCompare(b.eventId))
    .map(
      (e): ReplayAlert => ({
        identity: { id: e.perpetratorId, name: e.name },
        t: sec(e.lastSeen, t0),
        distance: e.distance,
        track: ordinal.get(e.trackId) ?? null,
        trackId: e.trackId,
        eventId: e.eventId,
        firstSeen: sec(e.firstSeen, t0),
        scores: e.scores.map((s) => ({ t: sec(s.ts, t0), seq: s.seq, distance: s.distance })),
      }),
    );
  return { tracks, alerts };
}
