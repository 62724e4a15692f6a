/** The replay runner: a video file through the real pipeline, lossless, as a deterministic timeline. */
export { loadReplayModels, runReplay, type ReplayModels, type ReplayOptions, type ReplayResult } from './run-replay.js';
export { buildTimeline, type ReplayAlert, type ReplayTrack } from './timeline.js';
export { enrolGalleryFolder, GalleryFolderError, type EnrolledPhoto } from './gallery-folder.js';
export { formatReplay } from './format-replay.js';
