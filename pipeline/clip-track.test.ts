import { describe, expect, it } from 'vitest';
import { clipTrackToWebVtt } from './clip-track.js';

describe('clip track as WebVTT', () => {
  it('gives each frame a cue until the next frame, and ends a cue after one frame across a gap', () => {
    const vtt = clipTrackToWebVtt({
      width: 1280,
      height: 720,
      fps: 10,
      boxes: [
        { t: 0.1, box: [10, 20, 110, 320] },
        { t: 0.2, box: [12, 20, 112, 320] },
        { t: 3601.5, box: [40, 20, 140, 320] },
      ],
    });
    const [head, ...cues] = vtt.trim().split('\n\n');
    expect(head).toBe('WEBVTT');
    expect(cues).toEqual([
      '00:00:00.100 --> 00:00:00.200\n{"box":[10,20,110,320],"width":1280,"height":720}',
      '00:00:00.200 --> 00:00:00.300\n{"box":[12,20,112,320],"width":1280,"height":720}',
      '01:00:01.500 --> 01:00:01.600\n{"box":[40,20,140,320],"width":1280,"height":720}',
    ]);
  });

  it('is an empty track when nobody was kept clear', () => {
    expect(clipTrackToWebVtt({ width: 640, height: 360, fps: 25, boxes: [] }).trim()).toBe('WEBVTT');
  });
});
