import { evaluate, type EvaluationOptions } from './metrics.js';
import type { FootageTruth } from './truth.js';
import type { QualityProblem } from '../face-quality-rule.js';
import { aggregateVotes, type FrameVote, type VoteRule, voteOptionsAt } from '../track-votes.js';
import type { ReplayTimeline, TimelineAlert } from './timeline.js';

/**
 * The alerts a timeline would have raised at base threshold `threshold`: each track's identified frames decided by
 * the identify worker's vote rule (pipeline/track-votes.ts aggregateVotes: quality, small-face and low-light
 * thresholds, margin, majority) with every threshold of the rule scaled to the one tried, once per track. The alert
 * is at the deciding frame; its distance is the quality-weighted mean of the agreeing frames.
 */
export function alertsAtThreshold(timeline: ReplayTimeline, threshold: number, rule: VoteRule): TimelineAlert[] {
  const options = voteOptionsAt(rule, threshold);
  const alerts: TimelineAlert[] = [];
  for (const track of timeline.tracks) {
    // Frames without a face comparison (an empty watchlist) are not votes.
    const compared = track.scores.filter((s) => s.name !== null && s.distance !== null);
    const votes = compared.map(
      (s, i): FrameVote => ({
        seq: i + 1,
        ts: s.t,
        candidateId: s.name,
        candidateName: s.name,
        distance: s.distance,
        ...(s.secondDistance === undefined ? {} : { secondDistance: s.secondDistance }),
        weight: 1,
        ...(s.widthPx === undefined ? {} : { widthPx: s.widthPx }),
        ...(s.lowLight ? { lowLight: true } : {}),
        ...(s.problems ? { problems: s.problems as QualityProblem[] } : {}),
        faceBox: [0, 0, 0, 0],
        personBox: [0, 0, 0, 0],
        frameKey: '',
        faceCropKey: null,
      }),
    );
    const d = aggregateVotes(votes, options);
    if (!d.match) continue;
    alerts.push({
      identity: { name: d.name },
      t: compared[d.decidingSeq - 1]!.t,
      distance: Math.round(d.distance * 1e4) / 1e4,
      trackId: track.id,
    });
  }
  return alerts.sort((x, y) => x.t - y.t);
}

export interface SweepRow {
  threshold: number;
  alerts: number;
  correctAlerts: number;
  falseAlerts: number;
  falseAlertsPerHour: number;
  /** Enrolled appearances with an alert / enrolled appearances (null when the footage has none). */
  appearanceRecall: number | null;
  precision: number | null;
  meanTimeToFirstAlert: number | null;
}

/**
 * Default thresholds: 0.30 to 0.70 in steps of 0.02 (euclidean distance of face-api
 * descriptors), around the pipeline's default 0.41 and up to where strangers match.
 */
export const defaultThresholds = Array.from({ length: 21 }, (_, i) => Math.round((0.3 + i * 0.02) * 100) / 100);

/** Re-decide the alerts at each threshold and score them against the truth. */
export function sweepThresholds(
  truth: FootageTruth,
  timeline: ReplayTimeline,
  thresholds: number[] = defaultThresholds,
  rule: VoteRule = timeline.votes,
  options: EvaluationOptions = {},
): SweepRow[] {
  return thresholds.map((threshold) => {
    const alerts = alertsAtThreshold(timeline, threshold, rule);
    const evaluation = evaluate(truth, { ...timeline, threshold, alerts }, options);
    const enrolled = evaluation.identities.filter((i) => i.enrolled);
    const appearances = enrolled.reduce((s, i) => s + i.appearances, 0);
    const alerted = enrolled.reduce((s, i) => s + i.appearancesAlerted, 0);
    const correct = evaluation.identities.reduce((s, i) => s + i.correctAlerts, 0);
    const right = alerts.length - evaluation.totals.falseAlerts;
    const ttfa = enrolled.flatMap((i) =>
      i.perAppearance.flatMap((p) => (p.timeToFirstAlert === null ? [] : [p.timeToFirstAlert])),
    );
    return {
      threshold,
      alerts: alerts.length,
      correctAlerts: correct,
      falseAlerts: evaluation.totals.falseAlerts,
      falseAlertsPerHour: evaluation.totals.falseAlertsPerHour,
      appearanceRecall: appearances ? alerted / appearances : null,
      precision: alerts.length ? right / alerts.length : null,
      meanTimeToFirstAlert: ttfa.length
        ? Math.round((ttfa.reduce((s, v) => s + v, 0) / ttfa.length) * 1000) / 1000
        : null,
    };
  });
}

const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(0)}%`);
const sec = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)} s`);

/** The trade-off as a plain-text table for the terminal; `current` marks the threshold in use. */
export function formatSweepTable(rows: SweepRow[], current?: number): string {
  const header = ['threshold', 'alerts', 'correct', 'false', 'false/h', 'recall', 'precision', 'mean TTFA'];
  const body = rows.map((r) => [
    `${r.threshold.toFixed(2)}${r.threshold === current ? ' *' : ''}`,
    String(r.alerts),
    String(r.correctAlerts),
    String(r.falseAlerts),
    r.falseAlertsPerHour.toFixed(1),
    pct(r.appearanceRecall),
    pct(r.precision),
    sec(r.meanTimeToFirstAlert),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
