/**
 * `p`'s value, or `fallback` once `ms` have passed (or when `p` fails): waits on Redis and
 * BullMQ must stay bounded, because closing them while Redis is unreachable can wait for a
 * reconnect that never comes, and shutdown must still finish.
 */
export async function resultWithin<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([p.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `p` settled (either way) within `ms`. */
export function settleWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return resultWithin(
    p.then(
      () => true,
      () => true,
    ),
    ms,
    false,
  );
}
