import type { TimelineAlert, TimelineTrack } from './timeline.js';

/**
 * Inline SVG pieces of the report's timeline: every strip shares one time axis
 * (STRIP_WIDTH pixels for the whole footage), so a glance down the page lines up
 * who was in view, what the matcher saw and when an alert fired.
 */
export const STRIP_WIDTH = 900;
const STRIP_HEIGHT = 34;
/** Distances drawn from 0.2 (top: very close) to 1.0 (bottom: unrelated). */
const D_TOP = 0.2;
const D_BOTTOM = 1.0;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** m:ss.s, the way an analyst seeks in a video player. */
export function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

const x = (t: number, duration: number) => ((Math.min(Math.max(t, 0), duration) / duration) * STRIP_WIDTH).toFixed(1);
const y = (d: number) =>
  (((Math.min(Math.max(d, D_TOP), D_BOTTOM) - D_TOP) / (D_BOTTOM - D_TOP)) * (STRIP_HEIGHT - 6) + 3).toFixed(1);

function svg(height: number, body: string, label: string): string {
  const box = `width="${STRIP_WIDTH}" height="${height}" viewBox="0 0 ${STRIP_WIDTH} ${height}"`;
  return `<svg class="strip" ${box} role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}

/** Tick spacing that gives 5-12 labels whatever the footage length. */
function tickStep(duration: number): number {
  return [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => duration / s <= 12) ?? 7200;
}

export function axisStrip(duration: number): string {
  const step = tickStep(duration);
  let body = `<line x1="0" y1="1" x2="${STRIP_WIDTH}" y2="1" class="axis"/>`;
  for (let t = 0; t <= duration + 1e-9; t += step) {
    const px = Number(x(t, duration));
    const anchor = px < 20 ? 'start' : px > STRIP_WIDTH - 20 ? 'end' : 'middle';
    body += `<line x1="${px}" y1="1" x2="${px}" y2="7" class="axis"/><text x="${px}" y="19" text-anchor="${anchor}">${clock(t)}</text>`;
  }
  return svg(22, body, 'time axis');
}

/** A band per visible stretch, e.g. the ground truth's appearances. */
export function bandStrip(
  duration: number,
  bands: Array<{ start: number; end: number; colour: string; title: string }>,
  label: string,
): string {
  const body = bands
    .map((b) => {
      const w = Math.max(2, Number(x(b.end, duration)) - Number(x(b.start, duration)));
      const rect = `x="${x(b.start, duration)}" y="6" width="${w.toFixed(1)}" height="${STRIP_HEIGHT - 12}" rx="3"`;
      return `<rect ${rect} fill="${b.colour}"><title>${escapeHtml(b.title)}</title></rect>`;
    })
    .join('');
  return svg(
    STRIP_HEIGHT,
    `<rect x="0" y="0" width="${STRIP_WIDTH}" height="${STRIP_HEIGHT}" class="lane"/>${body}`,
    label,
  );
}

/**
 * One track: its span as a band, each identified frame as a dot at its distance
 * (higher is closer), the threshold as a dashed line and its alerts as red ticks.
 */
export function trackStrip(
  duration: number,
  track: TimelineTrack,
  alerts: TimelineAlert[],
  threshold: number,
  colour: string,
): string {
  const span = Math.max(2, Number(x(track.end, duration)) - Number(x(track.start, duration)));
  let body = `<rect x="0" y="0" width="${STRIP_WIDTH}" height="${STRIP_HEIGHT}" class="lane"/>`;
  const title = escapeHtml(`track ${track.id}: ${clock(track.start)} to ${clock(track.end)}`);
  body +=
    `<rect x="${x(track.start, duration)}" y="2" width="${span.toFixed(1)}" height="${STRIP_HEIGHT - 4}" rx="3" ` +
    `fill="${colour}" fill-opacity="0.22" stroke="${colour}"><title>${title}</title></rect>`;
  body += `<line x1="0" x2="${STRIP_WIDTH}" y1="${y(threshold)}" y2="${y(threshold)}" class="threshold"/>`;
  for (const s of track.scores) {
    if (s.distance === null) {
      body += `<circle cx="${x(s.t, duration)}" cy="${STRIP_HEIGHT - 4}" r="1.5" class="noface"><title>${clock(s.t)} no face</title></circle>`;
      continue;
    }
    const match = s.distance <= threshold;
    const title = escapeHtml(`${clock(s.t)} ${s.name ?? '?'} ${s.distance.toFixed(3)}`);
    body += `<circle cx="${x(s.t, duration)}" cy="${y(s.distance)}" r="2.6" class="${match ? 'hit' : 'miss'}"><title>${title}</title></circle>`;
  }
  for (const a of alerts) {
    const px = Number(x(a.t, duration));
    const title = escapeHtml(`alert ${a.identity.name} at ${clock(a.t)} (${a.distance.toFixed(3)})`);
    body += `<path d="M${px - 5} 0 L${px + 5} 0 L${px} 9 Z" class="alert"><title>${title}</title></path>`;
  }
  return svg(STRIP_HEIGHT, body, `track ${track.id}`);
}

/** All alerts on one lane, labelled, for the top of the page. */
export function alertStrip(duration: number, alerts: TimelineAlert[], colourOf: (name: string) => string): string {
  let body = `<rect x="0" y="0" width="${STRIP_WIDTH}" height="${STRIP_HEIGHT}" class="lane"/>`;
  for (const a of alerts) {
    const px = x(a.t, duration);
    body +=
      `<g><line x1="${px}" x2="${px}" y1="2" y2="${STRIP_HEIGHT - 2}" stroke="${colourOf(a.identity.name)}" stroke-width="3"/>` +
      `<text x="${Number(px) + 4}" y="14" class="alert-label">${escapeHtml(a.identity.name)}</text>` +
      `<title>${escapeHtml(`alert ${a.identity.name} at ${clock(a.t)}, distance ${a.distance.toFixed(3)}`)}</title></g>`;
  }
  return svg(STRIP_HEIGHT, body, 'alerts');
}
