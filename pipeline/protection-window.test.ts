import { describe, expect, it } from 'vitest';
import { localMinuteOfDay, scheduleState, type ProtectionSchedule } from './protection-window.js';

const at = (iso: string) => Date.parse(iso);
const base: ProtectionSchedule = {
  status: 'open',
  windowStart: at('2026-03-01T00:00:00Z'),
  windowEnd: at('2026-03-10T00:00:00Z'),
  activeHours: null,
  timezone: 'UTC',
};

describe('protection schedule', () => {
  it('is active only inside the window of an open case', () => {
    expect(scheduleState(base, at('2026-03-05T12:00:00Z'))).toEqual({ active: true });
    expect(scheduleState(base, at('2026-02-28T23:59:00Z'))).toEqual({ active: false, reason: 'not_started' });
    expect(scheduleState(base, at('2026-03-10T00:00:00Z'))).toEqual({ active: false, reason: 'expired' });
    expect(scheduleState({ ...base, status: 'closed' }, at('2026-03-05T12:00:00Z'))).toEqual({
      active: false,
      reason: 'closed',
    });
  });

  it('honours daily hours, including spans over midnight', () => {
    const night = { ...base, activeHours: { from: '22:00', to: '06:00' } };
    expect(scheduleState(night, at('2026-03-05T23:30:00Z')).active).toBe(true);
    expect(scheduleState(night, at('2026-03-05T05:59:00Z')).active).toBe(true);
    expect(scheduleState(night, at('2026-03-05T06:00:00Z'))).toEqual({ active: false, reason: 'outside_active_hours' });
    const day = { ...base, activeHours: { from: '08:00', to: '18:00' } };
    expect(scheduleState(day, at('2026-03-05T07:59:00Z')).active).toBe(false);
    expect(scheduleState(day, at('2026-03-05T08:00:00Z')).active).toBe(true);
  });

  it('reads daily hours in the case timezone', () => {
    // 07:30 UTC is 08:30 in Berlin (CET, UTC+1 in March before DST).
    expect(localMinuteOfDay(at('2026-03-05T07:30:00Z'), 'Europe/Berlin')).toBe(8 * 60 + 30);
    const berlin = { ...base, timezone: 'Europe/Berlin', activeHours: { from: '08:00', to: '18:00' } };
    expect(scheduleState(berlin, at('2026-03-05T07:30:00Z')).active).toBe(true);
    expect(scheduleState(berlin, at('2026-03-05T06:30:00Z')).active).toBe(false);
  });
});
