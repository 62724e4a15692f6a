import { toCsv } from '../csv.js';
import type { Evaluation } from './metrics.js';
import type { SweepRow } from './sweep.js';

/** One row per identity: the figures of the evaluation table. */
export function evaluationToCsv(evaluation: Evaluation): string {
  return toCsv(
    [
      'fixture',
      'identity',
      'enrolled',
      'appearances',
      'appearances_alerted',
      'appearance_recall',
      'alerts',
      'correct_alerts',
      'duplicate_alerts',
      'false_alerts',
      'precision',
      'frame_recall',
      'frame_precision',
      'ttfa_mean_s',
      'ttfa_max_s',
      'false_alerts_per_hour',
      'duration_s',
    ],
    evaluation.identities.map((i) => [
      evaluation.fixture,
      i.identity,
      i.enrolled,
      i.appearances,
      i.appearancesAlerted,
      i.appearanceRecall,
      i.alerts,
      i.correctAlerts,
      i.duplicateAlerts,
      i.falseAlerts,
      i.precision,
      i.frameRecall,
      i.framePrecision,
      i.timeToFirstAlert?.mean ?? null,
      i.timeToFirstAlert?.max ?? null,
      i.falseAlertsPerHour,
      evaluation.durationSec,
    ]),
  );
}

/** One row per appearance: when it became visible and when (if ever) it was alerted. */
export function appearancesToCsv(evaluation: Evaluation): string {
  return toCsv(
    ['fixture', 'identity', 'appearance', 'visible_from_s', 'first_alert_s', 'time_to_first_alert_s'],
    evaluation.identities.flatMap((i) =>
      i.perAppearance.map((p) => [
        evaluation.fixture,
        i.identity,
        p.appearanceId,
        p.visibleFrom,
        p.firstAlertAt,
        p.timeToFirstAlert,
      ]),
    ),
  );
}

export function sweepToCsv(rows: SweepRow[]): string {
  return toCsv(
    [
      'threshold',
      'alerts',
      'correct_alerts',
      'false_alerts',
      'false_alerts_per_hour',
      'appearance_recall',
      'precision',
      'mean_ttfa_s',
    ],
    rows.map((r) => [
      r.threshold,
      r.alerts,
      r.correctAlerts,
      r.falseAlerts,
      r.falseAlertsPerHour,
      r.appearanceRecall,
      r.precision,
      r.meanTimeToFirstAlert,
    ]),
  );
}
