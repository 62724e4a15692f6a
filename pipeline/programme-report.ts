import { type ProtectionSchedule, scheduleState } from './protection-window.js';
import { quantile } from './quantile.js';

/** What resolving an alert found; the programme is judged by these. */
export const ALERT_OUTCOMES = ['intercepted', 'arrested', 'no_contact', 'false_alarm'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

export interface ReportCase extends ProtectionSchedule {
  id: string;
  createdAt: number;
}

/** An alert with the times of its steps (null: the step did not happen). */
export interface ReportAlert {
  kind: string;
  /** When the face was first seen, the SOS pressed, the camera went dark. */
  seenAt: number;
  confirmedAt: number | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  outcome: string | null;
  falsePositive: boolean;
}

export interface StepTimes {
  /** Alerts that reached the step. */
  count: number;
  medianSec: number | null;
  p90Sec: number | null;
}

export interface ProgrammeReport {
  from: number;
  to: number;
  cases: { protected: number; opened: number };
  /** Protection sessions: continuous stretches in which a case raised alerts (its window and daily hours). */
  sessions: { count: number; protectedHours: number };
  alerts: { total: number; byKind: Record<string, number> };
  /** Face matches an operator confirmed. */
  confirmedSightings: number;
  /** Matches rejected or marked false positives. */
  falsePositives: number;
  interceptions: number;
  arrests: number;
  outcomes: Record<AlertOutcome, number> & { unrecorded: number };
  times: { toConfirmation: StepTimes; toAcknowledgement: StepTimes; toResolution: StepTimes };
}

/** Schedules are sampled this often: daily hours are whole minutes, and sessions shorter than this are rare. */
const STEP_MS = 5 * 60_000;

/** Protection sessions of one case within [from, to): how many began (or were running at `from`), and their hours. */
function sessionsOf(c: ProtectionSchedule, from: number, to: number): { count: number; ms: number } {
  const start = Math.max(from, c.windowStart);
  const end = Math.min(to, c.windowEnd);
  let count = 0;
  let ms = 0;
  let was = false;
  for (let t = start; t < end; t += STEP_MS) {
    const on = scheduleState(c, t).active;
    if (on) ms += Math.min(STEP_MS, end - t);
    if (on && !was) count++;
    was = on;
  }
  return { count, ms };
}

const seconds = (xs: number[]): StepTimes => {
  const round = (x: number) => Math.round(x / 100) / 10;
  return xs.length
    ? { count: xs.length, medianSec: round(quantile(xs, 0.5)), p90Sec: round(quantile(xs, 0.9)) }
    : { count: 0, medianSec: null, p90Sec: null };
};

const since = (alerts: ReportAlert[], at: (a: ReportAlert) => number | null) =>
  alerts.flatMap((a) => {
    const t = at(a);
    return t === null ? [] : [Math.max(0, t - a.seenAt)];
  });

/**
 * A period of the programme in figures: cases and sessions protected, alerts by kind,
 * confirmed sightings, outcomes, and how long each step took from the sighting (median, p90).
 * `alerts` are the live alerts created in [from, to).
 */
export function programmeReport(from: number, to: number, cases: ReportCase[], alerts: ReportAlert[]): ProgrammeReport {
  const overlapping = cases.filter((c) => c.windowStart < to && c.windowEnd > from);
  const sessions = overlapping.map((c) => sessionsOf(c, from, to));
  const byKind: Record<string, number> = { match: 0, sos: 0, camera_offline: 0 };
  for (const a of alerts) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  const outcomes = { intercepted: 0, arrested: 0, no_contact: 0, false_alarm: 0, unrecorded: 0 };
  for (const a of alerts)
    if (a.resolvedAt !== null) {
      const o = (ALERT_OUTCOMES as readonly string[]).includes(a.outcome ?? '') ? (a.outcome as AlertOutcome) : null;
      outcomes[o ?? 'unrecorded']++;
    }
  return {
    from,
    to,
    cases: {
      protected: sessions.filter((s) => s.count > 0).length,
      opened: cases.filter((c) => c.createdAt >= from && c.createdAt < to).length,
    },
    sessions: {
      count: sessions.reduce((n, s) => n + s.count, 0),
      protectedHours: Math.round(sessions.reduce((n, s) => n + s.ms, 0) / 360_000) / 10,
    },
    alerts: { total: alerts.length, byKind },
    confirmedSightings: alerts.filter((a) => a.kind === 'match' && a.confirmedAt !== null).length,
    falsePositives: alerts.filter((a) => a.falsePositive).length,
    interceptions: outcomes.intercepted,
    arrests: outcomes.arrested,
    outcomes,
    times: {
      toConfirmation: seconds(since(alerts, (a) => a.confirmedAt)),
      toAcknowledgement: seconds(since(alerts, (a) => a.acknowledgedAt)),
      toResolution: seconds(since(alerts, (a) => a.resolvedAt)),
    },
  };
}

/** The report as `section,metric,value` rows, for a spreadsheet. */
export function programmeReportRows(r: ProgrammeReport): [string, string, string | number | null][] {
  const iso = (t: number) => new Date(t).toISOString();
  const rows: [string, string, string | number | null][] = [
    ['period', 'from', iso(r.from)],
    ['period', 'to', iso(r.to)],
    ['cases', 'protected', r.cases.protected],
    ['cases', 'opened', r.cases.opened],
    ['sessions', 'count', r.sessions.count],
    ['sessions', 'protected_hours', r.sessions.protectedHours],
    ['alerts', 'total', r.alerts.total],
    ...Object.entries(r.alerts.byKind).map(([k, n]): [string, string, number] => ['alerts', k, n]),
    ['sightings', 'confirmed', r.confirmedSightings],
    ['sightings', 'false_positives', r.falsePositives],
    ...Object.entries(r.outcomes).map(([k, n]): [string, string, number] => ['outcomes', k, n]),
  ];
  for (const [step, t] of Object.entries(r.times))
    rows.push(
      [`time_${step}`, 'count', t.count],
      [`time_${step}`, 'median_seconds', t.medianSec],
      [`time_${step}`, 'p90_seconds', t.p90Sec],
    );
  return rows;
}
