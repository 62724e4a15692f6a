/**
 * Replays every footage fixture through the real pipeline (lossless, same queues
 * and workers as `watchpost replay`) with the fixtures' enrolment gallery, and
 * reports per fixture: the share of frames the motion gate skipped, tracks, alerts
 * against the truth (time from the first frame with a visible face to the alert, on
 * the footage's clock) and the replay's speed on this machine.
 *
 *   npm run bench:replay [-- --json] [-- --only NAME] [-- --fps N]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { benchmarkFixture, fixtures } from '../fixtures/index.js';
import { closeAllSessions } from '../models/session.js';
import { loadConfig } from '../runtime/config.js';
import { identifyVoteRule } from '../pipeline/track-votes.js';
import { requireFfmpeg } from '../runtime/system-tools.js';
import { createLogger } from '../runtime/logger.js';
import { evaluateReplay, loadReplayModels, runReplay } from '../workers/replay/index.js';

const { values } = parseArgs({
  options: { json: { type: 'boolean' }, only: { type: 'string', multiple: true }, fps: { type: 'string' } },
});
const cfg = loadConfig({ overrides: values.fps ? { 'ingest.fps': Number(values.fps) } : {} });
const log = createLogger({ log: { level: 'warn', format: 'json' } });
const models = await loadReplayModels(cfg, log);

/** ffmpeg decoding every frame of a file and discarding it: the ceiling for any replay of it. */
function decodeOnlySec(video: string): number {
  const t = performance.now();
  const r = spawnSync(
    requireFfmpeg(),
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', video, '-f', 'null', '-'],
    { stdio: 'ignore' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${video}`);
  return (performance.now() - t) / 1000;
}

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
  const ev = evaluateReplay(r, {
    threshold: models.faceChain.matchThreshold,
    votes: identifyVoteRule(cfg.identify),
    truth,
  }).evaluation!;
  const enrolledIds = ev.identities.filter((i) => i.enrolled && i.appearances > 0);
  rows.push({
    fixture: f.name,
    recall: enrolledIds.length
      ? enrolledIds.reduce((s, i) => s + i.appearancesAlerted, 0) / enrolledIds.reduce((s, i) => s + i.appearances, 0)
      : null,
    falseAlerts: ev.totals.falseAlerts,
    frames: r.frames,
    detected: r.gating.detected,
    skippedShare: r.gating.skippedShare,
    tracks: r.tracks.length,
    truthAppearances: truth.appearances.length,
    alerts: r.alerts.map((a) => `${a.identity.name}@${a.t}s`),
    expectedAlerts: enrolled.length,
    wrongAlerts: r.alerts.filter(
      (a) => !enrolled.some((e) => e.identity === a.identity.name && a.t >= e.start - 0.5 && a.t <= e.end + 0.5),
    ).length,
    faceToAlertSec: latencies,
    wallSec: Math.round(r.stats.wallSec * 10) / 10,
    framesPerSec: Math.round(r.stats.framesPerSec * 100) / 100,
    realTimeMultiple: Math.round((r.durationSec / r.stats.wallSec) * 100) / 100,
    // Measured right after the replay, in the same run, on the same file.
    decodeOnlyRealTimeMultiple:
      f.name === benchmarkFixture.name ? Math.round((r.durationSec / decodeOnlySec(f.video)) * 10) / 10 : null,
  });
}
await closeAllSessions();

if (values.json) {
  process.stdout.write(`${JSON.stringify({ fps: cfg.ingest.fps, fixtures: rows })}\n`);
} else {
  console.log(
    `replay of the footage fixtures at ${cfg.ingest.fps} fps (motion gating ${cfg.detect.motionGating ? 'on' : 'off'})`,
  );
  console.table(
    rows.map((r) => ({
      fixture: r.fixture,
      frames: r.frames,
      'skipped %': (r.skippedShare * 100).toFixed(1),
      tracks: `${r.tracks} (truth ${r.truthAppearances})`,
      alerts: r.alerts.join(' ') || '-',
      'expected/wrong': `${r.expectedAlerts}/${r.wrongAlerts}`,
      recall: r.recall === null ? '-' : `${(r.recall * 100).toFixed(0)}%`,
      'false alerts': r.falseAlerts,
      'face->alert s': r.faceToAlertSec.map((x) => (x === null ? 'missed' : x)).join(' ') || '-',
      'wall s': r.wallSec,
      'frames/s': r.framesPerSec,
      'x real time': r.realTimeMultiple,
      'ffmpeg decode-only x': r.decodeOnlyRealTimeMultiple ?? '-',
    })),
  );
}
process.exit(0);
