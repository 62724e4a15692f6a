import { type ProtectionSchedule, scheduleState } from './protection-window.js';

/** A stretch of time in which a case is protected and nobody is on a shift in its district. */
export interface CoverageGap {
  caseId: string;
  district: string;
  from: number;
  to: number;
}

const MINUTE = 60_000;

/**
 * Where a case's protection hours in [from, to) are covered by no shift: the span is cut at every
 * minute (daily hours are whole minutes in any time zone) and at every shift and window edge, and
 * each piece is judged at its start; neighbouring uncovered pieces merge into one gap.
 */
export function coverageGaps(
  c: { id: string; district: string; schedule: ProtectionSchedule },
  shifts: readonly { startsAt: number; endsAt: number }[],
  from: number,
  to: number,
): CoverageGap[] {
  const cuts = new Set<number>([from, to]);
  for (let t = Math.ceil(from / MINUTE) * MINUTE; t < to; t += MINUTE) cuts.add(t);
  for (const e of [c.schedule.windowStart, c.schedule.windowEnd, ...shifts.flatMap((s) => [s.startsAt, s.endsAt])])
    if (e > from && e < to) cuts.add(e);
  const points = [...cuts].sort((a, b) => a - b);
  const gaps: CoverageGap[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const [start, end] = [points[i]!, points[i + 1]!];
    const protectedNow = scheduleState(c.schedule, start).active;
    const covered = shifts.some((s) => s.startsAt <= start && s.endsAt > start);
    if (!protectedNow || covered) continue;
    const last = gaps.at(-1);
    if (last && last.to === start) last.to = end;
    else gaps.push({ caseId: c.id, district: c.district, from: start, to: end });
  }
  return gaps;
}
