import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodedImage, FaceDetector, PersonDetector } from '../../models/index.js';
import type { ClipTrack } from '../../pipeline/clip-track.js';
import type { Box } from '../../pipeline/geometry.js';
import { bystanderHeadRegion, matchedTrackId, pixelate, redactionRegions } from '../../pipeline/redaction.js';
import { newTrackerState, type TrackerState, updateTracker } from '../../pipeline/tracker.js';
import { decodeRawFrames, probeRawVideo, RawVideoEncoder } from '../../runtime/ffmpeg/ffmpeg-raw.js';

/** The models redaction uses: the pipeline's own person and face detectors. */
export interface RedactionModels {
  persons: PersonDetector;
  faces: FaceDetector;
}

/** Where the matched person was: the time into the clip and their box then. */
export interface Sighting {
  offsetMs: number;
  personBox: Box | null;
}

export interface RedactionReport {
  frames: number;
  /** Regions pixelated, over all frames. */
  regions: number;
  /** The matched person's track in the clip (null: not found, so nobody was left clear). */
  matchedTrack: string | null;
}

interface FrameFindings {
  persons: Box[];
  faces: Box[];
  tracks: { id: string; box: Box }[];
}

async function find(img: DecodedImage, models: RedactionModels): Promise<{ persons: Box[]; faces: Box[] }> {
  // Low thresholds: a missed bystander face is a privacy failure, an extra blurred patch is not.
  const persons = (await models.persons.detect(img, { minScore: 0.2 })).map((p) => p.box);
  const faces = (await models.faces.detect(img, { minScore: 0.5 })).map((f) => f.box);
  // Over a whole frame a small face is a few pixels at the detector's input: look again in each
  // person's head region, at the detector's full resolution.
  for (const p of persons) {
    const [x1, y1, x2, y2] = bystanderHeadRegion(p);
    const region: Box = [Math.max(0, x1), Math.max(0, y1), Math.min(img.width, x2), Math.min(img.height, y2)];
    if (region[2] - region[0] < 8 || region[3] - region[1] < 8) continue;
    for (const f of await models.faces.detect(img, { region, minScore: 0.5 })) faces.push(f.box);
  }
  return { persons, faces };
}

/**
 * A copy of a still with every face but the matched person's pixelated (the pipeline's detectors
 * find them; `personBox` is the matched person's box in this frame).
 */
export async function redactStill(img: DecodedImage, personBox: Box | null, models: RedactionModels) {
  const found = await find(img, models);
  const regions = redactionRegions({ ...found, keep: personBox }, img.width, img.height);
  const data = Buffer.from(img.data);
  for (const r of regions) pixelate(data, img.width, r);
  return { image: { data, width: img.width, height: img.height }, regions: regions.length };
}

/**
 * A copy of a clip with bystanders' faces pixelated in every frame. Two passes over the decoded
 * video: the first detects and tracks people (the pipeline's tracker) to learn which track is the
 * matched person at the sighting, the second pixelates everyone else and encodes H.264.
 */
export async function redactVideo(mp4: Buffer, sighting: Sighting, models: RedactionModels) {
  const dir = await mkdtemp(join(tmpdir(), 'watchpost-redact-'));
  try {
    const input = join(dir, 'in.mp4');
    const output = join(dir, 'out.mp4');
    await writeFile(input, mp4);
    const info = await probeRawVideo(input);
    const findings: FrameFindings[] = [];
    let tracker: TrackerState = newTrackerState();
    let i = 0;
    for await (const rgb of decodeRawFrames(input, info)) {
      const img = { data: rgb, width: info.width, height: info.height };
      const found = await find(img, models);
      const ts = (i * 1000) / info.fps;
      const step = updateTracker(
        tracker,
        found.persons.map((box) => ({ box, score: 0.5 })),
        { ts, seq: i },
      );
      tracker = step.state;
      const tracks = step.active.map((t) => ({ id: t.id, box: t.box }));
      findings.push({ ...found, tracks });
      i++;
    }
    const at = Math.min(findings.length - 1, Math.max(0, Math.round((sighting.offsetMs / 1000) * info.fps)));
    const matched = findings.length ? matchedTrackId(findings[at]?.tracks ?? [], sighting.personBox) : null;

    const encoder = new RawVideoEncoder(output, info);
    let regions = 0;
    let n = 0;
    for await (const rgb of decodeRawFrames(input, info)) {
      const f = findings[n++];
      if (f) {
        const keep = f.tracks.find((t) => t.id === matched)?.box ?? null;
        const boxes = redactionRegions({ persons: f.persons, faces: f.faces, keep }, info.width, info.height);
        const data = Buffer.from(rgb);
        for (const b of boxes) pixelate(data, info.width, b);
        regions += boxes.length;
        await encoder.write(data);
      } else await encoder.write(rgb);
    }
    await encoder.end();
    // The matched person's box over the clip, for players to draw (not burnt into the video).
    const track: ClipTrack = { width: info.width, height: info.height, fps: info.fps, boxes: [] };
    findings.forEach((f, i) => {
      const box = f.tracks.find((t) => t.id === matched)?.box;
      if (box) track.boxes.push({ t: Math.round((i / info.fps) * 1000) / 1000, box: box.map(Math.round) as Box });
    });
    return {
      mp4: await readFile(output),
      track,
      report: { frames: findings.length, regions, matchedTrack: matched } satisfies RedactionReport,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
