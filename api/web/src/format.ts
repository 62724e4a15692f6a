/** Display helpers: times in the operator's local zone, ages that read at a glance. */

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:03:27" for today ("14:03" without seconds), "27 Nov 14:03" otherwise. */
export function clockTime(ms: number, now = Date.now(), seconds = true): string {
  const d = new Date(ms);
  const n = new Date(now);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === n.toDateString()) return seconds ? `${hm}:${pad(d.getSeconds())}` : hm;
  const month = d.toLocaleString('en-GB', { month: 'short' });
  return `${d.getDate()} ${month} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "just now", "42 s ago", "3 min ago", "2 h ago", "4 d ago"; future times read "in …". */
export function ago(ms: number, now = Date.now()): string {
  const diff = Math.round((now - ms) / 1000);
  const abs = Math.abs(diff);
  const text =
    abs < 5
      ? null
      : abs < 60
        ? `${abs} s`
        : abs < 3600
          ? `${Math.floor(abs / 60)} min`
          : abs < 86400
            ? `${Math.floor(abs / 3600)} h`
            : `${Math.floor(abs / 86400)} d`;
  if (text === null) return 'just now';
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Seconds of media time as m:ss (h:mm:ss past an hour). */
export function mediaTime(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** A local date-time input value ("2026-11-28T14:03") for ms since epoch, and back. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function fromLocalInput(value: string): number | null {
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The frames behind a match, in words: "3 frames agreed, 1 named someone else, 2 too poor, margin 0.06". */
export function evidenceText(e: {
  framesAgreed: number;
  framesDisagreed: number;
  framesIgnored: number;
  margin: number | null;
}): string {
  const parts = [`${e.framesAgreed} frame${e.framesAgreed === 1 ? '' : 's'} agreed`];
  if (e.framesDisagreed) parts.push(`${e.framesDisagreed} named someone else`);
  if (e.framesIgnored) parts.push(`${e.framesIgnored} too poor to vote`);
  if (e.margin !== null) parts.push(`margin ${e.margin.toFixed(2)}`);
  return parts.join(', ');
}
