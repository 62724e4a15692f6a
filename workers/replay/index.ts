/** The replay runner: a video file through the real pipeline, lossless, as a deterministic timeline. */
export {
  loadReplayModels,
  runReplay,
  type ReplayModels,
  type ReplayOptions,
  type ReplayProgress,
  type ReplayResult,
} from './run-replay.js';
export { buildTimeline, type ReplayAlert, type ReplayTrack } from './timeline.js';
export { enrolGalleryFolder, GalleryFolderError, type EnrolledPhoto } from './gallery-folder.js';
export { caseWatchlist, CaseWatchlistError } from './case-watchlist.js';
export { probeVideo, UnsupportedVideoError, type VideoInfo } from './probe-video.js';
export { formatReplay } from './format-replay.js';
export { evaluateReplay, formatEvaluation, replayCsv, replayHtml, type ReplayEvaluation } from './replay-evaluation.js';
export { progressReporter, type ProgressReporter } from './progress-reporter.js';
