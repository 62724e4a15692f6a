import type { Config } from '../../pipeline/config/index.js';
import type { Box } from '../../pipeline/geometry.js';
import { changedCells, gateFrame, MOTION_THUMB, type GateDecision } from '../../pipeline/motion-gate.js';
import {
  planRegions,
  resolveRegionMode,
  type RegionMode,
  type RegionSetting,
  type Size,
} from '../../pipeline/regions.js';
import { predictedBoxes, type TrackerState } from '../../pipeline/tracker.js';

/** CenterNet's 16:9 input, the default detector's. */
export const DEFAULT_DETECTOR_INPUT: Size = { width: 512, height: 288 };

export interface FrameLook {
  mode: RegionMode;
  gate: GateDecision;
  /** Regions to examine (empty when the gate skips the frame). */
  regions: Box[];
  /** Live tracks' predicted boxes at this frame. */
  tracks: Box[];
}

/**
 * Whether and where a camera frame is looked at: the motion gate, then the regions of
 * the camera's mode. Pure, so the detect stage and bench/detection.ts run the same code.
 */
export function lookAtFrame(input: {
  cfg: Config;
  /** The camera's own setting (frame job), else detect.regions. */
  setting?: RegionSetting;
  frame: Size;
  model?: Size;
  ts: number;
  /** Gate thumbnails: this frame's and the last detected frame's (null: none yet). */
  thumb: Uint8Array;
  reference: Uint8Array | null;
  mask: Uint8Array;
  tracker: TrackerState;
  lastDetectionTs: number | null;
}): FrameLook {
  const { cfg } = input;
  const mode = resolveRegionMode(input.setting ?? cfg.detect.regions, {
    still: false,
    motionGating: cfg.detect.motionGating,
  });
  const gate = gateFrame({
    enabled: cfg.detect.motionGating,
    reference: input.reference,
    current: input.thumb,
    mask: input.mask,
    tracksAlive: input.tracker.tracks.length > 0,
    sinceDetectionMs: input.lastDetectionTs === null ? null : input.ts - input.lastDetectionTs,
    threshold: cfg.detect.motionThreshold,
    // Motion crops follow whoever moves or is tracked: a still scene needs a look only now and then.
    ...(mode === 'motion' ? { refreshMs: cfg.detect.motionRefreshSeconds * 1000 } : {}),
  });
  if (!gate.detect) return { mode, gate, regions: [], tracks: [] };
  const tracks = predictedBoxes(input.tracker, input.ts);
  const fresh = gate.reason === 'refresh' || gate.reason === 'no_reference';
  const { reference } = input;
  const regions = planRegions({
    mode,
    frame: input.frame,
    model: input.model ?? DEFAULT_DETECTOR_INPUT,
    tileScale: cfg.detect.tileScale,
    changed: mode === 'motion' && reference && !fresh ? changedCells(reference, input.thumb, input.mask) : null,
    grid: MOTION_THUMB,
    tracks,
  });
  return { mode, gate, regions, tracks };
}
