/**
 * Waits for `p` at most `ms`: closing BullMQ objects while Redis is unreachable can
 * wait for a reconnect that never comes, and shutdown must still finish.
 */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
