import type { ReplayResult } from './run-replay.js';

const s = (t: number) => `${t.toFixed(1)} s`;

/** A replay's timeline as lines for a terminal. */
export function formatReplay(r: ReplayResult): string {
  const lines: string[] = [];
  const detected = r.gating.frames - r.gating.skipped;
  lines.push(
    `replay ${r.video}: ${r.frames} frames (${s(r.durationSec)}), person detection on ${detected}, ` +
      `${(r.gating.skippedShare * 100).toFixed(1)}% skipped by motion gating` +
      (r.gating.expired || r.gating.corrupt ? `, ${r.gating.expired} expired, ${r.gating.corrupt} corrupt` : ''),
  );
  if (r.stoppedEarly)
    lines.push(`warning: the video could not be read past ${s(r.stoppedEarly.atSec)}: ${r.stoppedEarly.reason}`);
  if (r.gallery)
    lines.push(
      `gallery: ${r.gallery.identities.join(', ') || '(nobody enrolled)'} ` +
        `(${r.gallery.photos.filter((p) => p.ok).length}/${r.gallery.photos.length} photos usable)`,
    );
  lines.push(`tracks: ${r.tracks.length}`);
  for (const t of r.tracks) {
    const nearest = t.votes.filter((v) => v.distance !== null).sort((a, b) => a.distance! - b.distance!)[0];
    const who = t.identity
      ? t.identity.name
      : nearest
        ? `unknown (nearest ${nearest.name} at ${nearest.distance!.toFixed(3)})`
        : 'unknown';
    lines.push(`  #${t.id}  ${s(t.start)} - ${s(t.end)}  ${who}  [${t.hits} frames, ${t.identifyFrames} identified]`);
  }
  lines.push(`alerts: ${r.alerts.length}`);
  for (const a of r.alerts)
    lines.push(`  ${s(a.t)}  ${a.identity.name}  distance ${a.distance.toFixed(3)}  track #${a.track ?? '?'}`);
  lines.push(
    `took ${r.stats.wallSec.toFixed(1)} s (${r.stats.framesPerSec.toFixed(1)} frames/s)${r.stats.failedJobs ? `, ${r.stats.failedJobs} failed jobs` : ''}`,
  );
  return lines.join('\n');
}
