import { describe, expect, it } from 'vitest';
import { ago, clockTime, fromLocalInput, evidenceText, mediaTime, toLocalInput } from './format.js';

describe('display formats', () => {
  const now = new Date(2026, 10, 28, 14, 3, 27).getTime();

  it('reads ages at a glance, past and future', () => {
    expect(ago(now - 2000, now)).toBe('just now');
    expect(ago(now - 42_000, now)).toBe('42 s ago');
    expect(ago(now - 3 * 60_000 - 5000, now)).toBe('3 min ago');
    expect(ago(now - 2 * 3600_000, now)).toBe('2 h ago');
    expect(ago(now + 13 * 86400_000, now)).toBe('in 13 d');
  });

  it('gives clock time today and the date otherwise', () => {
    expect(clockTime(now - 60_000, now)).toBe('14:02:27');
    expect(clockTime(now - 60_000, now, false)).toBe('14:02');
    expect(clockTime(now - 86400_000, now)).toBe('27 Nov 14:03');
  });

  it('formats media time and round-trips date-time inputs', () => {
    expect(mediaTime(65.9)).toBe('1:05');
    expect(mediaTime(3725)).toBe('1:02:05');
    const minute = now - (now % 60_000);
    expect(fromLocalInput(toLocalInput(minute))).toBe(minute);
    expect(fromLocalInput('not a date')).toBeNull();
  });

  it("says what a match's evidence is made of", () => {
    const e = { framesAgreed: 3, framesDisagreed: 1, framesIgnored: 2, margin: 0.061 };
    expect(evidenceText(e)).toBe('3 frames agreed, 1 named someone else, 2 too poor to vote, margin 0.06');
    expect(evidenceText({ ...e, framesAgreed: 1, framesDisagreed: 0, framesIgnored: 0, margin: null })).toBe(
      '1 frame agreed',
    );
  });
});
