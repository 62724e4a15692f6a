import { describe, expect, it } from 'vitest';
import { coverageGaps } from './coverage.js';

const H = 3600_000;
const T0 = Date.UTC(2026, 11, 7, 0, 0); // midnight UTC
const open = { status: 'open', windowStart: T0 - 24 * H, windowEnd: T0 + 48 * H, activeHours: null, timezone: 'UTC' };
const kase = (schedule = {}) => ({ id: 'case-1', district: 'north', schedule: { ...open, ...schedule } });

describe('coverage gaps', () => {
  it('lists the protected hours no shift covers, merged into spans', () => {
    const shifts = [
      { startsAt: T0 - 2 * H, endsAt: T0 + 8 * H },
      { startsAt: T0 + 8 * H, endsAt: T0 + 12 * H },
      { startsAt: T0 + 14 * H + 30 * 60_000, endsAt: T0 + 30 * H },
    ];
    expect(coverageGaps(kase(), shifts, T0, T0 + 24 * H)).toEqual([
      { caseId: 'case-1', district: 'north', from: T0 + 12 * H, to: T0 + 14 * H + 30 * 60_000 },
    ]);
  });

  it('counts only the daily active hours, in the case time zone, and only inside the protection window', () => {
    // 22:00-06:00 in London (UTC in December); the window ends at 03:00 tomorrow.
    const night = kase({
      activeHours: { from: '22:00', to: '06:00' },
      timezone: 'Europe/London',
      windowEnd: T0 + 27 * H,
    });
    expect(coverageGaps(night, [], T0, T0 + 24 * H)).toEqual([
      { caseId: 'case-1', district: 'north', from: T0, to: T0 + 6 * H },
      { caseId: 'case-1', district: 'north', from: T0 + 22 * H, to: T0 + 24 * H },
    ]);
    // Berlin is an hour ahead: its 22:00 is 21:00 UTC.
    const berlin = kase({ activeHours: { from: '22:00', to: '23:00' }, timezone: 'Europe/Berlin' });
    expect(coverageGaps(berlin, [], T0, T0 + 24 * H)).toEqual([
      { caseId: 'case-1', district: 'north', from: T0 + 21 * H, to: T0 + 22 * H },
    ]);
  });

  it('finds nothing for a case that is closed, or fully covered', () => {
    expect(coverageGaps(kase({ status: 'closed' }), [], T0, T0 + 24 * H)).toEqual([]);
    expect(coverageGaps(kase(), [{ startsAt: T0 - H, endsAt: T0 + 25 * H }], T0, T0 + 24 * H)).toEqual([]);
  });
});
