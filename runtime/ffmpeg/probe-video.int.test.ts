import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, galleryDir } from '../../fixtures/index.js';
import { probeVideo, UnsupportedVideoError } from './probe-video.js';

describe('probeVideo (real ffprobe)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-probe-'));

  it('reads a fixture: format, size and declared duration', async () => {
    const truth = fixture('enrolled-walk-in').truth();
    const info = await probeVideo(fixture('enrolled-walk-in').video);
    expect(info).toMatchObject({
      codec: 'h264',
      width: truth.width,
      height: truth.height,
      durationSec: truth.durationSec,
    });
  });

  it('refuses a text file and says why', async () => {
    const file = join(dir, 'notes.mp4');
    writeFileSync(file, 'this is not a video\n');
    await expect(probeVideo(file)).rejects.toThrow(UnsupportedVideoError);
    await expect(probeVideo(file)).rejects.toThrow(/not a video ffmpeg can read/);
  });

  it('refuses a photo: a still image is not footage', async () => {
    await expect(probeVideo(join(galleryDir, 'subject-a', 'group-photo.jpg'))).rejects.toThrow(
      /a still image \(mjpeg\)/,
    );
  });

  it('refuses a missing file', async () => {
    await expect(probeVideo(join(dir, 'missing.mp4'))).rejects.toThrow(UnsupportedVideoError);
  });
});
