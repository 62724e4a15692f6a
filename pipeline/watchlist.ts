import { z } from 'zod';

/**
 * The watchlist snapshot the API publishes to Redis for identify workers
 * (`<prefix>:watchlist:current`, a JSON string, plus `<prefix>:watchlist:version`
 * and a pub/sub message on `<prefix>:watchlist:changed`). Workers reload on change.
 */
export const watchlistSnapshotSchema = z.object({
  version: z.number().int().nonnegative(),
  /** Which embedder produced the descriptors (a worker with another one must refuse the snapshot). */
  embedder: z.string(),
  identities: z.array(
    z.object({
      /** Perpetrator id. */
      id: z.string(),
      name: z.string(),
      /** Several enrolment descriptors per identity. */
      descriptors: z.array(z.array(z.number())),
    }),
  ),
  /** Per camera: perpetrator ids of its active protection cases. */
  cameras: z.record(z.string(), z.array(z.string())),
  /** Perpetrator ids watched on every camera. */
  global: z.array(z.string()),
});
export type WatchlistSnapshot = z.infer<typeof watchlistSnapshotSchema>;

/** Perpetrator ids that apply to a camera. */
export function idsForCamera(snapshot: WatchlistSnapshot, cameraId: string): Set<string> {
  return new Set([...(snapshot.cameras[cameraId] ?? []), ...snapshot.global]);
}
