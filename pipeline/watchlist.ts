import { z } from 'zod';

/** A watched person: perpetrator id, name, and several enrolment descriptors. */
export const watchlistIdentitySchema = z.object({
  id: z.string(),
  name: z.string(),
  descriptors: z.array(z.array(z.number())),
});
export type WatchlistIdentity = z.infer<typeof watchlistIdentitySchema>;

/**
 * The watchlist snapshot the API publishes to Redis for identify workers
 * (`<prefix>:watchlist:current`, a JSON string, plus `<prefix>:watchlist:version`
 * and a pub/sub message on `<prefix>:watchlist:changed`; runtime/watchlist-channel.ts
 * is the one place that reads and writes them). Workers reload on change.
 */
export const watchlistSnapshotSchema = z.object({
  version: z.number().int().nonnegative(),
  /** Which embedder produced the descriptors (a worker with another one must refuse the snapshot). */
  embedder: z.string(),
  identities: z.array(watchlistIdentitySchema),
  /** Per camera: perpetrator ids of its active protection cases. */
  cameras: z.record(z.string(), z.array(z.string())),
  /** Perpetrator ids watched on every camera. */
  global: z.array(z.string()),
});
export type WatchlistSnapshot = z.infer<typeof watchlistSnapshotSchema>;
/** A snapshot as its publisher builds it; the channel gives it the next version. */
export type WatchlistContent = Omit<WatchlistSnapshot, 'version'>;

/** Perpetrator ids that apply to a camera. */
export function idsForCamera(snapshot: WatchlistSnapshot, cameraId: string): Set<string> {
  return new Set([...(snapshot.cameras[cameraId] ?? []), ...snapshot.global]);
}

/** Embedding rows (one descriptor each, JSON text) grouped into identities, in the rows' order. */
export function identitiesFromRows(
  rows: Array<{ perpetratorId: string; name: string; descriptor: string }>,
): WatchlistIdentity[] {
  const identities = new Map<string, WatchlistIdentity>();
  for (const r of rows) {
    const entry = identities.get(r.perpetratorId) ?? { id: r.perpetratorId, name: r.name, descriptors: [] };
    entry.descriptors.push(JSON.parse(r.descriptor) as number[]);
    identities.set(r.perpetratorId, entry);
  }
  return [...identities.values()];
}
