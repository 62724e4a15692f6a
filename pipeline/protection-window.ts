/** When a protection case produces alerts: inside its window, and inside its daily active hours if set. */
export interface ProtectionSchedule {
  status: string;
  windowStart: number;
  windowEnd: number;
  /** Local wall-clock times 'HH:MM'; `from` after `to` spans midnight (22:00-06:00). */
  activeHours: { from: string; to: string } | null;
  timezone: string;
}

/** A stored case row's schedule (its daily hours are kept as JSON text). */
export const parseSchedule = <C extends Omit<ProtectionSchedule, 'activeHours'> & { activeHours: string | null }>(
  c: C,
) => ({
  ...c,
  activeHours: c.activeHours ? (JSON.parse(c.activeHours) as { from: string; to: string }) : null,
});

/** Longest protection session before it must be renewed. */
export const MAX_WINDOW_MS = 14 * 24 * 3600_000;

export type ScheduleState =
  | { active: true }
  | { active: false; reason: 'closed' | 'not_started' | 'expired' | 'outside_active_hours' };

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight at `at` in `timezone`. */
export function localMinuteOfDay(at: number, timezone: string): number {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  const parts = f.formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function scheduleState(s: ProtectionSchedule, at: number): ScheduleState {
  if (s.status !== 'open') return { active: false, reason: 'closed' };
  if (at < s.windowStart) return { active: false, reason: 'not_started' };
  if (at >= s.windowEnd) return { active: false, reason: 'expired' };
  if (s.activeHours) {
    const now = localMinuteOfDay(at, s.timezone);
    const from = minutes(s.activeHours.from);
    const to = minutes(s.activeHours.to);
    const inside = from <= to ? now >= from && now < to : now >= from || now < to;
    if (!inside) return { active: false, reason: 'outside_active_hours' };
  }
  return { active: true };
}
