import { detectQueueName, partitionOf } from './queues.js';

/**
 * Every Redis key, channel and BullMQ prefix, in one place. `prefix` is
 * config.redisPrefix, so deployments and test runs can share a server.
 *
 * Keys carry Redis Cluster hash tags (the part in braces picks the slot):
 * - a camera's keys (frames, detect state, tracks, votes) are tagged with its detect
 *   partition's queue, `{detect-<p>}`, and that queue's BullMQ keys carry the same tag:
 *   the round trips of one frame (state and bytes together, the state save and its
 *   effects, the queue) stay in one slot, so on one node;
 * - keys read together across cameras or processes (statuses, leases, registry,
 *   watchlist) share `{g}`; every other queue has a tag of its own.
 */
export const globalKeys = (prefix: string) => {
  const g = `${prefix}:{g}`;
  return {
    cameraStatus: (cameraId: string) => `${g}:camera:${cameraId}:status`,
    /** Widths (px) of the last faces a live camera saw, newest first: a list of numbers (runtime/face-sizes.ts). */
    cameraFaceSizes: (cameraId: string) => `${g}:camera:${cameraId}:faces`,
    /** Id of the ingest worker that reads the camera, with an expiry it renews (workers/ingest/camera-leases.ts). */
    cameraLease: (cameraId: string) => `${g}:camera:${cameraId}:lease`,
    /** Id of the ingest worker a camera is being handed to, once its reader delivers frames (a hand-over without a gap). */
    cameraWarm: (cameraId: string) => `${g}:camera:${cameraId}:warm`,
    /** Live ingest workers: a sorted set, member = worker id, score = last heartbeat (ms, Redis clock). */
    ingestWorkers: `${g}:ingest:workers`,
    /** Cameras each live ingest worker can read: a hash, field = worker id, value = JSON array of camera ids. */
    ingestWants: `${g}:ingest:wants`,
    /** Cameras registered through the API, a JSON array of {id, url, caseId, fps?}; ingest workers watch it. */
    cameraRegistry: `${g}:cameras`,
    cameraRegistryChanged: `${g}:cameras:changed`,
    watchlistCurrent: `${g}:watchlist:current`,
    watchlistVersion: `${g}:watchlist:version`,
    watchlistChanged: `${g}:watchlist:changed`,
    /** Pub/sub: the alert journal grew (payload: latest sequence number); SSE hubs in every API process listen. */
    alertsChanged: `${g}:alerts:changed`,
    /** Footage fixtures the replay workers can read (JSON, pipeline/replay.ts), written by each replay worker as it starts. */
    replayFixtures: `${g}:replay:fixtures`,
    /** BullMQ's key prefix of a queue (its name as runtime/queues.ts names it): the queue's keys share one slot. */
    bull: (queueName: string) => `${prefix}:{${queueName}}:bull`,
  };
};

/** Keys of the deployment and of its cameras; `partitions` is config detect.partitions. */
export const redisKeys = (prefix: string, partitions: number) => {
  /** The camera's slot: that of its detect partition's queue. */
  const cam = (cameraId: string) => `${prefix}:{${detectQueueName(partitionOf(cameraId, partitions))}}`;
  return {
    ...globalKeys(prefix),
    /** JPEG bytes of one frame, with a TTL. */
    frame: (cameraId: string, seq: number) => `${cam(cameraId)}:frame:${cameraId}:${seq}`,
    /** JPEG bytes of a face crop, with a TTL. */
    faceCrop: (cameraId: string, seq: number, n: number) => `${cam(cameraId)}:face:${cameraId}:${seq}:${n}`,
    /** The people the detect worker saw on a live camera's last detected frame (CameraDetections JSON, TTL). */
    cameraDetections: (cameraId: string) => `${cam(cameraId)}:camera:${cameraId}:detections`,
    /** Detect worker's per-camera state (tracker, motion reference, frame selection): a hash {rev, json}, so any worker continues a camera. */
    detectState: (cameraId: string) => `${cam(cameraId)}:detect:${cameraId}:state`,
    /** Lossless frames of one replay the detect stage is done with: a list of their job ids, which the replay's publisher pops (BLPOP) to queue the next. */
    framesDone: (cameraId: string, replayId: string) => `${cam(cameraId)}:detect:${cameraId}:replay:${replayId}:done`,
    /** Identification votes of one track: a hash, field = frame seq, value = FrameVote JSON (pipeline/track-votes.ts). */
    trackVotes: (cameraId: string, trackId: string) => `${cam(cameraId)}:track:${cameraId}:${trackId}:votes`,
    /** The track's MatchEvent JSON once it matched: set once (NX), so a track raises one event. */
    trackMatch: (cameraId: string, trackId: string) => `${cam(cameraId)}:track:${cameraId}:${trackId}:match`,
    /** Last sighting of a matched perpetrator on a camera: one match event per appearance. */
    appearance: (cameraId: string, perpetratorId: string) => `${cam(cameraId)}:appearance:${cameraId}:${perpetratorId}`,
    /** Bytes of one buffered video segment (MPEG-TS, the camera's own encoding), with a TTL (runtime/segment-store.ts). */
    videoSegment: (cameraId: string, startMs: number) => `${cam(cameraId)}:segment:${cameraId}:${startMs}`,
    /** A camera's buffered segments: a sorted set, member = "startMs:endMs", score = start (ms, wall clock). */
    videoSegments: (cameraId: string) => `${cam(cameraId)}:segments:${cameraId}`,
    /** A file an evidence worker made for an alert (clip, redacted copy), until the alerts side keeps it (TTL). */
    evidenceFile: (alertId: string, kind: string) => `${prefix}:evidence:${alertId}:${kind}`,
    /** Stream of a camera's finished tracks and identification votes (pipeline/track-log.ts, runtime/track-log.ts), for replays and timelines. */
    trackLog: (cameraId: string) => `${cam(cameraId)}:tracks:${cameraId}`,
  };
};
export type RedisKeys = ReturnType<typeof redisKeys>;
