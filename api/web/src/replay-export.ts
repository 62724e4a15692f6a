import type { Replay } from './types.js';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formulas defused for spreadsheets. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per track of a finished replay: who, when (media seconds), how long. */
export function replayTracksCsv(replay: Replay): string {
  const rows = [['replay', 'track', 'identity', 'start_sec', 'end_sec', 'duration_sec']];
  for (const t of replay.result?.tracks ?? []) {
    rows.push([replay.id, t.id, t.identity?.name ?? '', String(t.start), String(t.end), (t.end - t.start).toFixed(2)]);
  }
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Offers text as a file download (the browser's save dialog or downloads folder). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
