/**
 * Which live ingest worker should read each camera. Deterministic, so every worker
 * computes the same answer from the same heartbeat; balanced (a worker's load stays
 * within one camera of the least loaded worker that could take it); sticky (a camera
 * stays with its current reader while that keeps the balance, so a worker joining or
 * leaving moves only the cameras it must); and only ever to a worker that can read the
 * camera (its config or the registry lists it).
 *
 * `wants`: live worker -> cameras it can read. `holders`: camera -> current lease holder.
 */
export function assignCameras(
  wants: ReadonlyMap<string, readonly string[]>,
  holders: ReadonlyMap<string, string | null>,
): Map<string, Set<string>> {
  const workers = [...wants.keys()].sort();
  const out = new Map(workers.map((w) => [w, new Set<string>()]));
  const candidates = new Map<string, string[]>();
  for (const w of workers) for (const cam of wants.get(w)!) candidates.set(cam, [...(candidates.get(cam) ?? []), w]);
  // Cameras few workers can read first: the others fill in around them.
  const cameras = [...candidates.keys()].sort(
    (a, b) => candidates.get(a)!.length - candidates.get(b)!.length || (a < b ? -1 : a > b ? 1 : 0),
  );
  const load = (w: string) => out.get(w)!.size;
  for (const cam of cameras) {
    const can = candidates.get(cam)!;
    const least = Math.min(...can.map(load));
    const holder = holders.get(cam) ?? null;
    const pick =
      holder !== null && can.includes(holder) && load(holder) <= least
        ? holder
        : can.filter((w) => load(w) === least).sort((a, b) => spread(a, cam) - spread(b, cam))[0]!;
    out.get(pick)!.add(cam);
  }
  return out;
}

/** A per-camera order of workers, so that ties do not all go to the same worker. */
function spread(worker: string, camera: string): number {
  const text = `${worker}|${camera}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
