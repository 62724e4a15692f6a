/** Evaluation of replays against footage ground truth: pure functions, no I/O. */
export {
  footageTruthSchema,
  InvalidTruthError,
  parseTruth,
  type FootageTruth,
  type TruthAppearance,
  type TruthFrame,
} from './truth.js';
export {
  InvalidTimelineError,
  parseTimeline,
  replayTimelineSchema,
  type ReplayTimeline,
  type TimelineAlert,
  type TimelineScore,
  type TimelineTrack,
} from './timeline.js';
export { timelineFromReplay, type ReplayResultLike } from './from-replay.js';
export {
  evaluate,
  type AppearanceResult,
  type Evaluation,
  type EvaluationOptions,
  type IdentityEvaluation,
} from './metrics.js';
export {
  alertsAtThreshold,
  defaultThresholds,
  formatSweepTable,
  sweepThresholds,
  type SweepRow,
} from './sweep.js';
export type { VoteRule } from '../track-votes.js';
export { toCsv } from '../csv.js';
export { appearancesToCsv, evaluationToCsv, sweepToCsv } from './csv.js';
export { renderHtmlReport, type HtmlReportInput } from './html-report.js';
