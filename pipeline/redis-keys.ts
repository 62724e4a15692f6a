/**
 * Every Redis key and channel outside BullMQ, in one place. `prefix` is
 * config.redisPrefix, so deployments and test runs can share a server.
 */
export const redisKeys = (prefix: string) => ({
  /** JPEG bytes of one frame, with a TTL. */
  frame: (cameraId: string, seq: number) => `${prefix}:frame:${cameraId}:${seq}`,
  /** JPEG bytes of a face crop, with a TTL. */
  faceCrop: (cameraId: string, seq: number, n: number) => `${prefix}:face:${cameraId}:${seq}:${n}`,
  cameraStatus: (cameraId: string) => `${prefix}:camera:${cameraId}:status`,
  /** Id of the ingest worker that reads the camera, with an expiry it renews (workers/ingest/camera-leases.ts). */
  cameraLease: (cameraId: string) => `${prefix}:camera:${cameraId}:lease`,
  /** Live ingest workers: a sorted set, member = worker id, score = last heartbeat (ms, Redis clock). */
  ingestWorkers: `${prefix}:ingest:workers`,
  /** Cameras each live ingest worker can read: a hash, field = worker id, value = JSON array of camera ids. */
  ingestWants: `${prefix}:ingest:wants`,
  /** The people the detect worker saw on a live camera's last detected frame (CameraDetections JSON, TTL). */
  cameraDetections: (cameraId: string) => `${prefix}:camera:${cameraId}:detections`,
  /** Cameras registered through the API, a JSON array of {id, url, caseId, fps?}; ingest workers watch it. */
  cameraRegistry: `${prefix}:cameras`,
  cameraRegistryChanged: `${prefix}:cameras:changed`,
  watchlistCurrent: `${prefix}:watchlist:current`,
  watchlistVersion: `${prefix}:watchlist:version`,
  watchlistChanged: `${prefix}:watchlist:changed`,
  /** Pub/sub: the alert journal grew (payload: latest sequence number); SSE hubs in every API process listen. */
  alertsChanged: `${prefix}:alerts:changed`,
  /** Detect worker's per-camera state (tracker, motion reference, frame selection): a hash {rev, json}, so any worker continues a camera. */
  detectState: (cameraId: string) => `${prefix}:detect:${cameraId}:state`,
  /** Lossless frames of one replay the detect stage is done with: a list of their job ids, which the replay's publisher pops (BLPOP) to queue the next. */
  framesDone: (cameraId: string, replayId: string) => `${prefix}:detect:${cameraId}:replay:${replayId}:done`,
  /** Identification votes of one track: a hash, field = frame seq, value = FrameVote JSON (pipeline/track-votes.ts). */
  trackVotes: (cameraId: string, trackId: string) => `${prefix}:track:${cameraId}:${trackId}:votes`,
  /** The track's MatchEvent JSON once it matched: set once (NX), so a track raises one event. */
  trackMatch: (cameraId: string, trackId: string) => `${prefix}:track:${cameraId}:${trackId}:match`,
  /** Last sighting of a matched perpetrator on a camera: one match event per appearance. */
  appearance: (cameraId: string, perpetratorId: string) => `${prefix}:appearance:${cameraId}:${perpetratorId}`,
  /** Stream of a camera's finished tracks and identification votes (pipeline/track-log.ts, runtime/track-log.ts), for replays and timelines. */
  trackLog: (cameraId: string) => `${prefix}:tracks:${cameraId}`,
  /** BullMQ's own key prefix. */
  bull: `${prefix}:bull`,
});
export type RedisKeys = ReturnType<typeof redisKeys>;
