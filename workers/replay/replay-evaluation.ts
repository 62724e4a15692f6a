import {
  defaultThresholds,
  evaluate,
  evaluationToCsv,
  formatSweepTable,
  renderHtmlReport,
  sweepThresholds,
  sweepToCsv,
  timelineFromReplay,
  toCsv,
  type Evaluation,
  type FootageTruth,
  type ReplayTimeline,
  type SweepRow,
  type VoteRule,
} from '../../pipeline/evaluation/index.js';
import type { ReplayResult } from './run-replay.js';

export interface ReplayEvaluation {
  timeline: ReplayTimeline;
  evaluation: Evaluation | null;
  sweep: SweepRow[] | null;
}

/** A replay scored against its truth (when there is one), and re-decided over thresholds when asked. */
export function evaluateReplay(
  result: ReplayResult,
  o: { threshold: number; votes: VoteRule; truth?: FootageTruth; sweep?: boolean; thresholds?: number[] },
): ReplayEvaluation {
  const timeline = timelineFromReplay(result, { threshold: o.threshold, votes: o.votes });
  const evaluation = o.truth ? evaluate(o.truth, timeline) : null;
  // The sweep brackets the threshold in use, whatever it is.
  const thresholds = o.thresholds ?? [...new Set([...defaultThresholds, o.threshold])].sort((a, b) => a - b);
  const sweep = o.truth && o.sweep ? sweepThresholds(o.truth, timeline, thresholds, o.votes) : null;
  return { timeline, evaluation, sweep };
}

const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(0)}%`);

/** Precision, recall and time to first alert per identity, false alerts per hour: lines for a terminal. */
export function formatEvaluation(e: ReplayEvaluation): string {
  const lines: string[] = [];
  if (e.evaluation) {
    const ev = e.evaluation;
    lines.push(
      `evaluation against the truth of ${ev.fixture} (threshold ${e.timeline.threshold}, ${e.timeline.votes.k} of ${e.timeline.votes.n} votes):`,
    );
    if (!ev.identities.length) lines.push('  nobody enrolled and no alert');
    for (const i of ev.identities) {
      const ttfa = i.timeToFirstAlert
        ? `${i.timeToFirstAlert.mean.toFixed(2)} s mean, ${i.timeToFirstAlert.max.toFixed(2)} s max`
        : '-';
      lines.push(
        `  ${i.identity}${i.enrolled ? '' : ' (not enrolled)'}: recall ${pct(i.appearanceRecall)} (${i.appearancesAlerted}/${i.appearances} appearances), ` +
          `precision ${pct(i.precision)} (${i.alerts} alerts, ${i.falseAlerts} false, ${i.duplicateAlerts} duplicate), ` +
          `frame recall ${pct(i.frameRecall)}, time to first alert ${ttfa}`,
      );
    }
    lines.push(
      `  false alerts: ${ev.totals.falseAlerts} (${ev.totals.falseAlertsPerHour.toFixed(1)} per hour of footage)`,
    );
  }
  if (e.sweep) lines.push('threshold trade-off (* = in use):', formatSweepTable(e.sweep, e.timeline.threshold));
  return lines.join('\n');
}

/** The CSV an analyst asked for: the evaluation per identity (and the sweep) with a truth, else the tracks. */
export function replayCsv(e: ReplayEvaluation): string {
  if (e.evaluation) return evaluationToCsv(e.evaluation) + (e.sweep ? `\r\n${sweepToCsv(e.sweep)}` : '');
  return toCsv(
    ['video', 'track', 'identity', 'start_s', 'end_s', 'best_frame_s', 'alerted_at_s'],
    e.timeline.tracks.map((t) => [
      e.timeline.video,
      t.id,
      t.identity?.name ?? null,
      t.start,
      t.end,
      t.best?.t ?? null,
      e.timeline.alerts.find((a) => a.trackId === t.id)?.t ?? null,
    ]),
  );
}

export function replayHtml(e: ReplayEvaluation, truth: FootageTruth | undefined, generatedAt: string): string {
  return renderHtmlReport({
    timeline: e.timeline,
    ...(truth ? { truth } : {}),
    ...(e.evaluation ? { evaluation: e.evaluation } : {}),
    ...(e.sweep ? { sweep: e.sweep } : {}),
    generatedAt,
  });
}
