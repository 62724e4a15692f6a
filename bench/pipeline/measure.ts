import { readdirSync, readFileSync } from 'node:fs';
import { partitionOf } from '../../pipeline/queues.js';

/** Frames per second of every bench camera, and detect partitions. */
export const FPS = 5;
export const PARTITIONS = 4;
export const TICK_HZ = 100; // Linux clock ticks per second (/proc)
export const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export { median, quantile } from '../../pipeline/quantile.js';
export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
/**
 * CPU ticks of a process and all its descendants (ffmpeg children of the ingest worker),
 * including children that have exited and been reaped (cutime, cstime): the feeds'
 * ffmpeg processes end with their file, before the tree is read again.
 */
export function treeTicks(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
      stats.set(Number(name), {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
      });
    } catch {
      // exited while we looked
    }
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    sum += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) stack.push(child);
  }
  return sum;
}

/** CPU ticks of this process alone (all its threads): the feeds' publishing, without their ffmpeg. */
export function ownTicks(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** Camera ids spread over the detect partitions (each partition is consumed in order, one job at a time). */
export function cameraIds(n: number, prefix = 'cam-'): string[] {
  const ids: string[] = [];
  for (let k = 0; ids.length < n; k++) {
    const id = `${prefix}${k}`;
    if (partitionOf(id, PARTITIONS) === ids.length % PARTITIONS && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

export function printTable(r: Record<string, unknown>): void {
  const rows: [string, string][] = [];
  const walk = (prefix: string, v: unknown) => {
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(`${prefix}[${i}]`, x);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else rows.push([prefix, String(v)]);
  };
  walk('', r);
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
}
