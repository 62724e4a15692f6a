/**
 * The chart the vote rule was picked from: for every CCTV probe frame whose face can
 * vote, the distance to the person's own photos (genuine, green) and to the nearest
 * other identity (impostor, red), against the face's width; the lines are the vote
 * thresholds and the minimum width. SVG, rendered to PNG with sharp for the README.
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { PROBE_WIDTHS } from './cctv-probes.js';
import type { ProbeFrame } from './cctv-accuracy.js';

export interface ChartRule {
  minWidthPx: number;
  threshold: number;
  smallFacePx: number;
  smallFaceThreshold: number;
  /** Frames that cannot vote are left out. */
  votes: (p: ProbeFrame) => boolean;
}

const W = 900;
const H = 520;
const M = { left: 60, right: 20, top: 40, bottom: 50 };
const Y_MIN = 0.1;
const Y_MAX = 0.8;
const TITLE = 'face-api distance of CCTV-sized faces cut from real photos (frames that pass the vote quality rule)';

export function distanceChartSvg(probes: ProbeFrame[], rule: ChartRule): string {
  const slot = (W - M.left - M.right) / PROBE_WIDTHS.length;
  const x = (width: number, offset: number) => M.left + PROBE_WIDTHS.indexOf(width as never) * slot + slot * offset;
  const y = (d: number) =>
    M.top + ((Y_MAX - Math.min(Y_MAX, Math.max(Y_MIN, d))) / (Y_MAX - Y_MIN)) * (H - M.top - M.bottom);
  const dots: string[] = [];
  let n = 0;
  for (const p of probes) {
    if (!p.face || !rule.votes(p)) continue;
    const jitter = ((n++ * 0.618) % 1) * 0.36;
    if (p.genuine !== null)
      dots.push(
        `<circle cx="${x(p.width, 0.08 + jitter).toFixed(1)}" cy="${y(p.genuine).toFixed(1)}" r="2" fill="#1e8449" fill-opacity="0.55"/>`,
      );
    if (p.asStranger)
      dots.push(
        `<circle cx="${x(p.width, 0.54 + jitter).toFixed(1)}" cy="${y(p.asStranger.distance).toFixed(1)}" r="2" fill="#c0392b" fill-opacity="0.55"/>`,
      );
  }
  const smallIdx = PROBE_WIDTHS.findIndex((w) => w >= rule.smallFacePx);
  const minIdx = PROBE_WIDTHS.findIndex((w) => w >= rule.minWidthPx);
  const xs = (i: number) => M.left + i * slot;
  const grid = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7].map(
    (d) =>
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/>` +
      `<text x="${M.left - 8}" y="${y(d) + 4}" text-anchor="end">${d.toFixed(1)}</text>`,
  );
  const labels = PROBE_WIDTHS.map(
    (w, i) => `<text x="${xs(i) + slot / 2}" y="${H - M.bottom + 18}" text-anchor="middle">${w}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${M.left}" y="22" font-size="15" font-weight="bold">${TITLE}</text>
${grid.join('\n')}
${labels.join('\n')}
<text x="${(W + M.left) / 2}" y="${H - 10}" text-anchor="middle">face width, px (each: clean, blur, motion blur, JPEG 25, blur + JPEG 35)</text>
<text x="16" y="${(H + M.top) / 2}" transform="rotate(-90 16 ${(H + M.top) / 2})" text-anchor="middle">euclidean distance</text>
${dots.join('\n')}
<rect x="${M.left}" y="${M.top}" width="${xs(minIdx) - M.left}" height="${H - M.top - M.bottom}" fill="#888" fill-opacity="0.12"/>
<text x="${M.left + 4}" y="${M.top + 14}">no vote under ${rule.minWidthPx} px</text>
<line x1="${xs(minIdx)}" x2="${xs(smallIdx)}" y1="${y(rule.smallFaceThreshold)}" y2="${y(rule.smallFaceThreshold)}"
 stroke="#000" stroke-width="2" stroke-dasharray="6 3"/>
<line x1="${xs(smallIdx)}" x2="${W - M.right}" y1="${y(rule.threshold)}" y2="${y(rule.threshold)}" stroke="#000" stroke-width="2"/>
<text x="${W - M.right - 4}" y="${y(rule.threshold) - 6}" text-anchor="end">vote threshold ${rule.threshold.toFixed(3)}
 (${rule.smallFaceThreshold.toFixed(3)} under ${rule.smallFacePx} px)</text>
<circle cx="${W - 230}" cy="${H - M.bottom - 40}" r="4" fill="#1e8449"/><text x="${W - 222}" y="${H - M.bottom - 36}">genuine: own other photos</text>
<circle cx="${W - 230}" cy="${H - M.bottom - 22}" r="4" fill="#c0392b"/><text x="${W - 222}" y="${H - M.bottom - 18}">nearest other identity</text>
</svg>`;
}

/** Writes the chart as PNG (or SVG when the path ends in .svg). */
export async function writeDistanceChart(path: string, probes: ProbeFrame[], rule: ChartRule): Promise<void> {
  const svg = distanceChartSvg(probes, rule);
  if (path.endsWith('.svg')) writeFileSync(path, svg);
  else await sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toFile(path);
}
