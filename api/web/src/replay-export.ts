import { toCsv } from '../../../pipeline/csv.js';
import type { Replay } from './types.js';

/** One row per track of a finished replay: who, when (media seconds), how long. */
export function replayTracksCsv(replay: Replay): string {
  return toCsv(
    ['replay', 'track', 'identity', 'start_sec', 'end_sec', 'duration_sec'],
    (replay.result?.tracks ?? []).map((t) => [
      replay.id,
      t.id,
      t.identity?.name ?? '',
      t.start,
      t.end,
      (t.end - t.start).toFixed(2),
    ]),
  );
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
