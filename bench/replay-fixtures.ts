/**
 * Replays every footage fixture through the real pipeline (lossless, same queues
 * and workers as `watchpost replay`) with the fixtures' enrolment gallery, and
 * reports per fixture: the share of frames the motion gate skipped, tracks, alerts
 * against the truth (time from the first frame with a visible face to the alert, on
 * the footage's clock) and the replay's speed on this machine.
 *
 *   npm run bench:replay [-- --json] [-- --only NAME] [-- --fps N]
 */
import { parseArgs } from 'node:util';
import { fixtures } from '../fixtures/index.js';
import { closeAllSessions } from '../models/session.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/logger.js';
import { loadReplayModels, runReplay } from '../workers/replay/index.js';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, only: { type: 'string', multiple: true }, fps: { type: 'string' } } });
const cfg = loadConfig({ overrides: values.fps ? { 'ingest.fps': Number(values.fps) } : {} });
const log = createLogger({ log: { level: 'warn', format: 'json' } });
const models = await loadReplayModels(cfg, log);

const rows = [];
for (const f of fixtures) {
  if (values.only && !values.only.includes(f.name)) continue;
  const truth = f.truth();
  const r = await runReplay({ cfg, log, video: f.video, galleryDir: f.gallery, models });
  const enrolled = truth.appearances.filter((a) => a.identity && truth.enrolled.includes(a.identity));
  const alertsFor = (identity: string) => r.alerts.filter((a) => a.identity.name === identity);
  const latencies = enrolled.map((a) => {
    const alert = alertsFor(a.identity!).find((x) => x.t >= a.start - 0.5 && x.t <= a.end + 0.5);
    return alert ? Math.round((alert.t - (a.faceStart ?? a.start)) * 1000) / 1000 : null;
  });
  rows.push({
    fixture: f.name,
    frames: r.frames,
    detected: r.gating.detected,
    skippedShare: r.gating.skippedShare,
    tracks: r.tracks.length,
    truthAppearances: truth.appearances.length,
    alerts: r.alerts.map((a) => `${a.identity.name}@${a.t}s`),
    expectedAlerts: enrolled.length,
    wrongAlerts: r.alerts.filter((a) => !enrolled.some((e) => e.identity === a.identity.name && a.t >= e.start - 0.5 && a.t <= e.end + 0.5)).length,
    faceToAlertSec: latencies,
    wallSec: Math.round(r.stats.wallSec * 10) / 10,
    framesPerSec: Math.round(r.stats.framesPerSec * 100) / 100,
  });
}
await closeAllSessions();

if (values.json) {
  process.stdout.write(`${JSON.stringify({ fps: cfg.ingest.fps, fixtures: rows })}\n`);
} else {
  console.log(`replay of the footage fixtures at ${cfg.ingest.fps} fps (motion gating ${cfg.detect.motionGating ? 'on' : 'off'})`);
  console.table(
    rows.map((r) => ({
      fixture: r.fixture,
      frames: r.frames,
      'skipped %': (r.skippedShare * 100).toFixed(1),
      tracks: `${r.tracks} (truth ${r.truthAppearances})`,
      alerts: r.alerts.join(' ') || '-',
      'expected/wrong': `${r.expectedAlerts}/${r.wrongAlerts}`,
      'face->alert s': r.faceToAlertSec.map((x) => (x === null ? 'missed' : x)).join(' ') || '-',
      'wall s': r.wallSec,
      'frames/s': r.framesPerSec,
    })),
  );
}
process.exit(0);
