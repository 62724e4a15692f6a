import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { FaceDetector, PersonDetector } from '../../models/index.js';
import { closeAllSessions } from '../../models/session.js';
import type { Box } from '../../pipeline/geometry.js';
import { iou } from '../../pipeline/nms.js';
import { loadConfig } from '../../runtime/config.js';
import { decodeRawFrames, probeRawVideo } from '../../runtime/ffmpeg/ffmpeg-raw.js';
import { type RedactionModels, redactVideo } from './redact.js';

const cfg = loadConfig({
  overrides: { 'models.cacheDir': join(tmpdir(), 'watchpost-test-model-cache'), 'models.threads': 1 },
});

/** Face boxes of each person in the fixture's truth at time t (s), where a face is visible. */
function facesAt(t: number) {
  const truth = fixture('doorstep-720p').truth();
  const out: { identity: string | null; face: Box; person: Box }[] = [];
  for (const a of truth.appearances) {
    const f = a.frames.find((fr) => Math.abs(fr.t - t) < 0.05);
    if (f?.faceBox) out.push({ identity: a.identity, face: f.faceBox as Box, person: f.personBox as Box });
  }
  return out;
}

describe('bystander redaction (real detectors and ffmpeg)', () => {
  let models: RedactionModels;
  let dir: string;
  beforeAll(async () => {
    models = { persons: await PersonDetector.create(cfg), faces: await FaceDetector.create(cfg) };
    dir = await mkdtemp(join(tmpdir(), 'redact-test-'));
  }, 300_000);
  afterAll(async () => {
    await closeAllSessions();
    await rm(dir, { recursive: true, force: true });
  });

  it("pixelates the bystander's face and leaves the matched person's clear", async () => {
    // 20-26 s of the doorstep fixture: the enrolled subject walks in while a stranger is still there.
    const clipFile = join(dir, 'clip.mp4');
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-ss', '20', '-i', fixture('doorstep-720p').video, '-t', '6'].concat([
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-y',
        clipFile,
      ]),
    );
    const sightingT = 23;
    const both = facesAt(sightingT);
    expect(both.map((b) => b.identity).sort()).toEqual([null, 'subject-a']);
    const subject = both.find((b) => b.identity === 'subject-a')!;

    const { mp4, report, track } = await redactVideo(
      await readFile(clipFile),
      { offsetMs: (sightingT - 20) * 1000, personBox: subject.person },
      models,
    );
    expect(report.matchedTrack).not.toBeNull();
    // The overlay track follows the matched person (truth at the sighting).
    const at = track.boxes.find((b) => Math.abs(b.t - (sightingT - 20)) < 0.06);
    expect(at).toBeDefined();
    expect(iou(at!.box, subject.person)).toBeGreaterThan(0.5);
    const outFile = join(dir, 'redacted.mp4');
    await import('node:fs/promises').then((fs) => fs.writeFile(outFile, mp4));

    // Frames where both faces are in view: a face detector over each face's surroundings, before and after.
    const faceFound = async (rgb: Buffer, w: number, h: number, face: Box) => {
      const pad = (face[2] - face[0]) * 1.5;
      const region: Box = [
        Math.max(0, face[0] - pad),
        Math.max(0, face[1] - pad),
        Math.min(w, face[2] + pad),
        Math.min(h, face[3] + pad),
      ];
      const found = await models.faces.detect({ data: rgb, width: w, height: h }, { region, minScore: 0.3 });
      return found.some((f) => {
        const cx = (f.box[0] + f.box[2]) / 2;
        const cy = (f.box[1] + f.box[3]) / 2;
        return cx >= face[0] && cx <= face[2] && cy >= face[1] && cy <= face[3];
      });
    };
    const check = async (file: string) => {
      const info = await probeRawVideo(file);
      const seen = { subject: 0, bystander: 0, frames: 0 };
      let i = 0;
      for await (const rgb of decodeRawFrames(file, info)) {
        const t = 20 + i++ / info.fps;
        if (t < 22.4 || t > 23.3) continue;
        const people = facesAt(Math.round(t * 10) / 10);
        if (people.length < 2) continue;
        seen.frames++;
        for (const p of people)
          if (await faceFound(rgb, info.width, info.height, p.face)) seen[p.identity ? 'subject' : 'bystander']++;
      }
      return seen;
    };
    const before = await check(clipFile);
    const after = await check(outFile);
    expect(before.frames).toBeGreaterThanOrEqual(5);
    // The detector finds both faces in the original (so the check below can fail)...
    expect(before.bystander).toBeGreaterThanOrEqual(before.frames * 0.8);
    expect(before.subject).toBeGreaterThanOrEqual(before.frames * 0.8);
    // ...and after redaction never the bystander's, while the matched person's stays identifiable.
    expect(after.frames).toBe(before.frames);
    expect(after.bystander).toBe(0);
    expect(after.subject).toBeGreaterThanOrEqual(before.subject * 0.8);
  }, 240_000);
});
