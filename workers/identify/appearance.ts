import type { MatchEvent } from '../../pipeline/events.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';
import type { Redis } from 'ioredis';
import { readTrackLog } from '../../runtime/track-log.js';

/** What the appearance key of (camera, perpetrator) holds: its event, its track, and when it was last seen. */
export interface Appearance {
  eventId: string;
  /** The track that raised the event (absent on keys written before it was recorded). */
  trackId?: string;
  lastTs: number;
}

/**
 * A still-tracked track counts as present for at most this long after its last identified
 * frame: past it, a track that never ended in the log (its detect state lost) is taken as gone.
 */
export const MAX_UNLOGGED_TRACK_MS = 60_000;
/** How far back the track log is searched for the appearance's track. */
const TRACK_LOG_WINDOW_SECONDS = 600;

/**
 * Whether a new match continues the previous appearance of the same perpetrator on this
 * camera: it starts within `gapMs` of the last sighting, or the previous appearance's
 * track is still being followed. A track sends identification only its first and best
 * frames (best-frame.ts), so a person standing at the door for a while is "last seen" by
 * identification seconds before the tracker loses them; when the tracker splits the
 * walk-out into a new track, what the detect worker logged for the old track (when it
 * ended, or that it has not) says whether the person ever left.
 *
 * A live log keeps an ended track only `logRetainMs` (retention.bystanderSeconds): past
 * that, a missing end says nothing, and the match is a new appearance. Taking it for
 * "still followed" merged the next walk-in into one 40 s old whenever the appearance
 * between them went unseen (a Redis outage): an alert lost, where the other way round
 * risks one alert too many for someone who stood at the door that long.
 */
export async function continuesAppearance(
  deps: { redis: Redis; keys: RedisKeys },
  prev: Appearance,
  event: Pick<MatchEvent, 'cameraId' | 'trackId' | 'firstSeen'>,
  gapMs: number,
  logRetainMs: number,
): Promise<boolean> {
  if (event.firstSeen - prev.lastTs <= gapMs) return true;
  if (!prev.trackId || prev.trackId === event.trackId) return false;
  const records = await readTrackLog(deps.redis, deps.keys, event.cameraId, TRACK_LOG_WINDOW_SECONDS);
  const ended = records.find((r) => r.type === 'track' && r.trackId === prev.trackId);
  if (ended && ended.type === 'track') return event.firstSeen - ended.lastTs <= gapMs;
  return event.firstSeen - prev.lastTs <= Math.min(MAX_UNLOGGED_TRACK_MS, logRetainMs);
}
