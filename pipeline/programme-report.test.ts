import { describe, expect, it } from 'vitest';
import { programmeReport, programmeReportRows, type ReportAlert, type ReportCase } from './programme-report.js';

const H = 3600_000;
const DAY = 24 * H;
const from = Date.UTC(2026, 11, 1);
const to = from + 2 * DAY;

const kase = (over: Partial<ReportCase>): ReportCase => ({
  id: 'c',
  createdAt: from - DAY,
  status: 'open',
  windowStart: from - DAY,
  windowEnd: from + 10 * DAY,
  activeHours: null,
  timezone: 'UTC',
  ...over,
});

const alert = (over: Partial<ReportAlert>): ReportAlert => ({
  kind: 'match',
  seenAt: from + H,
  confirmedAt: null,
  acknowledgedAt: null,
  resolvedAt: null,
  outcome: null,
  falsePositive: false,
  ...over,
});

describe('programme report', () => {
  it('counts protection sessions by daily hours and the window, and cases opened in the period', () => {
    const r = programmeReport(
      from,
      to,
      [
        kase({ id: 'all-day' }),
        // 18:00-06:00 each night: the night running at `from`, and two more evenings.
        kase({ id: 'nights', activeHours: { from: '18:00', to: '06:00' }, createdAt: from + H }),
        kase({ id: 'over', windowStart: from - 10 * DAY, windowEnd: from - DAY }),
      ],
      [],
    );
    expect(r.cases).toEqual({ protected: 2, opened: 1 });
    expect(r.sessions.count).toBe(1 + 3);
    expect(r.sessions.protectedHours).toBe(48 + 6 + 12 + 6);
  });

  it('reads alerts by kind, confirmed sightings, outcomes and step times from the sighting', () => {
    const r = programmeReport(
      from,
      to,
      [],
      [
        alert({
          confirmedAt: from + H + 10_000,
          acknowledgedAt: from + H + 40_000,
          resolvedAt: from + H + 600_000,
          outcome: 'arrested',
        }),
        alert({
          confirmedAt: from + H + 30_000,
          acknowledgedAt: from + H + 60_000,
          resolvedAt: from + H + 900_000,
          outcome: 'intercepted',
        }),
        alert({ falsePositive: true }),
        alert({
          kind: 'sos',
          acknowledgedAt: from + H + 20_000,
          resolvedAt: from + H + 300_000,
          outcome: 'no_contact',
        }),
        alert({ kind: 'camera_offline', resolvedAt: from + 2 * H }),
      ],
    );
    expect(r.alerts).toEqual({ total: 5, byKind: { match: 3, sos: 1, camera_offline: 1 } });
    expect([r.confirmedSightings, r.falsePositives, r.interceptions, r.arrests]).toEqual([2, 1, 1, 1]);
    expect(r.outcomes).toEqual({ intercepted: 1, arrested: 1, no_contact: 1, false_alarm: 0, unrecorded: 1 });
    expect(r.times.toConfirmation).toEqual({ count: 2, medianSec: 20, p90Sec: 28 });
    expect(r.times.toAcknowledgement).toEqual({ count: 3, medianSec: 40, p90Sec: 56 });
    expect(r.times.toResolution.count).toBe(4);
    expect(r.times.toResolution.medianSec).toBe(750);
    const rows = programmeReportRows(r);
    expect(rows).toContainEqual(['outcomes', 'arrested', 1]);
    expect(rows).toContainEqual(['time_toConfirmation', 'p90_seconds', 28]);
  });

  it('says nothing happened rather than inventing times', () => {
    const r = programmeReport(from, to, [], []);
    expect(r.times.toAcknowledgement).toEqual({ count: 0, medianSec: null, p90Sec: null });
    expect(r.alerts.total).toBe(0);
  });
});
