/** The replay runner: a video file through the real pipeline, lossless, as a deterministic timeline. */
export {
  loadReplayModels,
  runReplay,
  type ReplayModels,
  type ReplayOptions,
  type ReplayProgress,
  type ReplayResult,
} from './run-replay.js';
export { buildTimeline } from './timeline.js';
export { type ReplayClip, writeReplayClips } from './replay-clips.js';
export { probeVideo, UnsupportedVideoError, type VideoInfo } from '../../runtime/ffmpeg/probe-video.js';
export { formatReplay } from './format-replay.js';
export { evaluateReplay, formatEvaluation, replayCsv, replayHtml, type ReplayEvaluation } from './replay-evaluation.js';
export { progressReporter, type ProgressReporter } from './progress-reporter.js';
export { startReplayWorker } from './replay-worker.js';
