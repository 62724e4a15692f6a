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
  /** Cameras registered through the API, a JSON array of {id, url, caseId, fps?}; ingest workers watch it. */
  cameraRegistry: `${prefix}:cameras`,
  cameraRegistryChanged: `${prefix}:cameras:changed`,
  watchlistCurrent: `${prefix}:watchlist:current`,
  watchlistVersion: `${prefix}:watchlist:version`,
  watchlistChanged: `${prefix}:watchlist:changed`,
  /** BullMQ's own key prefix. */
  bull: `${prefix}:bull`,
});
export type RedisKeys = ReturnType<typeof redisKeys>;
