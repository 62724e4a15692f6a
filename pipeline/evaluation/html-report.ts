import { alertStrip, axisStrip, bandStrip, clock, escapeHtml, STRIP_WIDTH, trackStrip } from './html-strip.js';
import type { Evaluation } from './metrics.js';
import { formatSweepTable, type SweepRow } from './sweep.js';
import type { FootageTruth } from './truth.js';
import type { ReplayTimeline, TimelineTrack } from './timeline.js';

export interface HtmlReportInput {
  timeline: ReplayTimeline;
  truth?: FootageTruth;
  evaluation?: Evaluation;
  sweep?: SweepRow[];
  title?: string;
  /** Shown in the header; passed in (not read from the clock) so the same input renders the same file. */
  generatedAt?: string;
}

const PALETTE = ['#c0392b', '#8e44ad', '#d35400', '#16a085', '#2c3e50', '#b7950b'];
const UNKNOWN = '#7f8c8d';

/** A stable colour per identity name; unknown tracks are grey. */
function colourFor(names: string[]): (name: string | null | undefined) => string {
  const sorted = [...new Set(names)].sort();
  return (name) => (name ? (PALETTE[sorted.indexOf(name) % PALETTE.length] ?? PALETTE[0]!) : UNKNOWN);
}

/** Only inline images: anything else would make the file reach out to the network. Person crops are tall: the CSS keeps their top (the face) in the square. */
function thumb(track: TimelineTrack | undefined, size: number): string {
  const src = track?.best?.thumbnail;
  if (!src || !/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/.test(src))
    return `<div class="thumb empty" style="width:${size}px;height:${size}px">no image</div>`;
  return `<img class="thumb" src="${src}" width="${size}" height="${size}" alt="best frame of track ${escapeHtml(track!.id)}">`;
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(0)}%`);
const secs = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(2)} s`);

function identityCards(input: HtmlReportInput, colour: (n: string | null) => string): string {
  const { timeline } = input;
  const names = [
    ...new Set([
      ...timeline.alerts.map((a) => a.identity.name),
      ...timeline.tracks.flatMap((t) => (t.identity ? [t.identity.name] : [])),
    ]),
  ].sort();
  if (!names.length) return `<p class="calm">No enrolled identity was matched in this footage.</p>`;
  return names
    .map((name) => {
      const alerts = timeline.alerts.filter((a) => a.identity.name === name).sort((a, b) => a.t - b.t);
      const tracks = timeline.tracks.filter((t) => t.identity?.name === name);
      const best = [...tracks].sort((a, b) => minDistance(a) - minDistance(b))[0];
      const seen = tracks.map((t) => `${clock(t.start)}–${clock(t.end)}`).join(', ') || 'no track';
      const first = alerts[0];
      const firstAlert = first ? `, first at <b>${clock(first.t)}</b> (distance ${first.distance.toFixed(3)})` : '';
      return (
        `<div class="card" style="border-color:${colour(name)}">${thumb(best, 96)}<div><h3 style="color:${colour(name)}">${escapeHtml(name)}</h3>` +
        `<p><b>${alerts.length}</b> alert${alerts.length === 1 ? '' : 's'}${firstAlert}</p>` +
        `<p>seen on ${tracks.length} track${tracks.length === 1 ? '' : 's'}: ${seen}</p></div></div>`
      );
    })
    .join('');
}

function minDistance(track: TimelineTrack): number {
  return Math.min(Infinity, ...track.scores.flatMap((s) => (s.distance === null ? [] : [s.distance])));
}

function timelineSection(input: HtmlReportInput, colour: (n: string | null) => string): string {
  const { timeline, truth } = input;
  const duration = timeline.durationSec;
  const row = (label: string, strip: string, image = '') =>
    `<div class="row"><div class="label">${image}<div>${label}</div></div>${strip}</div>`;
  const rows = [row('', axisStrip(duration)), row('<b>Alerts</b>', alertStrip(duration, timeline.alerts, colour))];
  if (truth) {
    const bands = truth.appearances.map((a) => ({
      start: a.start,
      end: a.end,
      colour: a.identity ? colour(a.identity) : '#bdc3c7',
      title: `${a.identity ?? `${a.actor} (not enrolled)`}: ${clock(a.start)}–${clock(a.end)}`,
    }));
    rows.push(row('<b>Ground truth</b><br><small>who was in view</small>', bandStrip(duration, bands, 'ground truth')));
  }
  for (const track of [...timeline.tracks].sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))) {
    const name = track.identity?.name ?? null;
    const label =
      `<b style="color:${colour(name)}">${escapeHtml(name ?? 'unknown')}</b>` +
      `<br><small>track ${escapeHtml(track.id)}<br>${clock(track.start)}–${clock(track.end)}</small>`;
    const alerts = timeline.alerts.filter((a) => a.trackId === track.id);
    rows.push(row(label, trackStrip(duration, track, alerts, timeline.threshold, colour(name)), thumb(track, 48)));
  }
  return (
    `<section><h2>Timeline</h2><p class="hint">Dots: distance of each identified frame to the nearest enrolled face ` +
    `(higher is closer; green below the dashed threshold ${timeline.threshold}). Red triangles: alerts. ` +
    `Hover for details.</p><div class="timeline">${rows.join('')}</div></section>`
  );
}

function evaluationSection(evaluation: Evaluation): string {
  const head = [
    'identity',
    'appearances',
    'alerted',
    'recall',
    'alerts',
    'false',
    'duplicates',
    'precision',
    'frame recall',
    'frame precision',
    'TTFA mean',
    'TTFA max',
    'false / hour',
  ];
  const rows = evaluation.identities.map((i) => [
    escapeHtml(i.identity) + (i.enrolled ? '' : ' <small>(not in truth gallery)</small>'),
    i.appearances,
    i.appearancesAlerted,
    pct(i.appearanceRecall),
    i.alerts,
    i.falseAlerts,
    i.duplicateAlerts,
    pct(i.precision),
    pct(i.frameRecall),
    pct(i.framePrecision),
    secs(i.timeToFirstAlert?.mean),
    secs(i.timeToFirstAlert?.max),
    i.falseAlertsPerHour.toFixed(1),
  ]);
  const apps = evaluation.identities.flatMap((i) =>
    i.perAppearance.map((p) => [
      escapeHtml(i.identity),
      escapeHtml(p.appearanceId),
      clock(p.visibleFrom),
      p.firstAlertAt === null ? '<b class="missed">missed</b>' : clock(p.firstAlertAt),
      secs(p.timeToFirstAlert),
    ]),
  );
  return (
    `<section><h2>Evaluation against ground truth</h2>` +
    `<p>${evaluation.totals.alerts} alerts, <b>${evaluation.totals.falseAlerts} false</b> ` +
    `(${evaluation.totals.falseAlertsPerHour.toFixed(1)} per hour of footage). ` +
    `TTFA: time from the face being fully in view to the first alert.</p>` +
    table(head, rows) +
    (apps.length
      ? `<h3>Appearances</h3>${table(['identity', 'appearance', 'face in view', 'first alert', 'TTFA'], apps)}`
      : '') +
    `</section>`
  );
}

function table(head: string[], rows: Array<Array<string | number>>): string {
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}h1{margin:0 0 4px}
h2{margin:28px 0 8px;border-bottom:1px solid #ddd}.meta{color:#555}.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{display:flex;gap:12px;border:2px solid;border-radius:8px;padding:10px;background:#fff;min-width:320px}
.card h3{margin:0}.card p{margin:2px 0}.calm{color:#1e8449;font-weight:600}
.thumb{object-fit:cover;object-position:50% 0;border-radius:4px;background:#ddd;flex:none}
.thumb.empty{display:flex;align-items:center;justify-content:center;font-size:10px;color:#777}.timeline{overflow-x:auto}
.row{display:flex;align-items:center;gap:8px;border-bottom:1px solid #eee}.label{display:flex;gap:6px;align-items:center;width:210px;flex:none}
.strip{flex:none;width:${STRIP_WIDTH}px}.strip text{font-size:11px;fill:#444}.axis{stroke:#888}.lane{fill:#fff}.threshold{stroke:#27ae60;stroke-dasharray:4 3}
.hit{fill:#27ae60}.miss{fill:#95a5a6}.noface{fill:#ccc}.alert{fill:#e74c3c}.alert-label{font-weight:600}.hint{color:#666;font-size:12px}
table{border-collapse:collapse;background:#fff;margin:6px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
.missed{color:#c0392b}pre{background:#fff;border:1px solid #ddd;padding:8px;overflow-x:auto}`;

/**
 * The analyst's report as one HTML file: inline CSS and SVG, thumbnails as data:
 * URLs, and a content security policy that forbids loading anything, so it opens
 * from disk (or an e-mail attachment) without a server and cannot leak a request.
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { timeline } = input;
  const names = [
    ...timeline.alerts.map((a) => a.identity.name),
    ...timeline.tracks.flatMap((t) => (t.identity ? [t.identity.name] : [])),
    ...(input.truth?.enrolled ?? []),
  ];
  const colour = colourFor(names);
  const title = input.title ?? `Replay of ${timeline.video}`;
  const meta = [
    `${clock(timeline.durationSec)} of footage`,
    `${timeline.frames} frames processed`,
    `${timeline.tracks.length} tracks`,
    `threshold ${timeline.threshold}`,
    `match when ${timeline.votes.k} of ${timeline.votes.n} identified frames agree`,
    ...(input.generatedAt ? [`generated ${escapeHtml(input.generatedAt)}`] : []),
  ];
  const sweep = input.sweep?.length
    ? `<section><h2>Threshold trade-off</h2><pre>${escapeHtml(formatSweepTable(input.sweep, timeline.threshold))}</pre></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(title)}</h1><div class="meta">${meta.join(' · ')}</div></header>
<section><h2>Who was identified</h2><div class="cards">${identityCards(input, colour)}</div></section>
${timelineSection(input, colour)}
${input.evaluation ? evaluationSection(input.evaluation) : ''}
${sweep}
</body></html>
`;
}
