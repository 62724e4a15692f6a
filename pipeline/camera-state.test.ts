import { describe, expect, it } from 'vitest';
import { CameraStateMachine } from './camera-state.js';

function machine() {
  let now = 1_000;
  const m = new CameraStateMachine({ stallMs: 5_000, offlineMs: 15_000 }, () => now);
  return { m, advance: (ms: number) => (now += ms), now: () => now };
}

describe('CameraStateMachine', () => {
  it('connects, streams, stalls, goes offline once and comes back online', () => {
    const { m, advance } = machine();
    expect(m.connect().map((t) => t.to)).toEqual(['connecting']);
    advance(200);
    const first = m.frame();
    expect(first).toMatchObject([{ from: 'connecting', to: 'streaming', event: null }]);
    const lastFrame = m.lastFrameAt;
    advance(4_999);
    expect(m.tick()).toEqual([]);
    advance(1);
    expect(m.tick()).toMatchObject([{ from: 'streaming', to: 'stalled', event: null }]);
    advance(9_999);
    expect(m.tick()).toEqual([]);
    advance(1);
    expect(m.tick()).toMatchObject([
      { from: 'stalled', to: 'offline', event: 'camera.offline', lastFrameAt: lastFrame },
    ]);
    advance(60_000);
    expect(m.tick()).toEqual([]);
    expect(m.connect()).toEqual([]);
    expect(m.frame()).toMatchObject([{ from: 'offline', to: 'streaming', event: 'camera.online' }]);
  });

  it('recovers from a stall without events when frames return before offline', () => {
    const { m, advance } = machine();
    m.connect();
    m.frame();
    expect(m.sourceEnded('ffmpeg exited with code 1')).toMatchObject([
      { to: 'stalled', reason: 'ffmpeg exited with code 1' },
    ]);
    advance(10_000);
    expect(m.tick()).toEqual([]);
    expect(m.frame()).toMatchObject([{ from: 'stalled', to: 'streaming', event: null }]);
  });

  it('raises offline for a camera that never delivers a frame', () => {
    const { m, advance } = machine();
    m.connect();
    advance(14_000);
    expect(m.tick()).toEqual([]);
    advance(1_000);
    expect(m.tick()).toMatchObject([{ from: 'connecting', to: 'offline', event: 'camera.offline', lastFrameAt: null }]);
  });

  it('goes straight from streaming to offline when ticks were missed', () => {
    const { m, advance } = machine();
    m.connect();
    m.frame();
    advance(20_000);
    expect(m.tick().map((t) => [t.to, t.event])).toEqual([
      ['stalled', null],
      ['offline', 'camera.offline'],
    ]);
  });

  it('stops from any state and ignores frames afterwards', () => {
    const { m } = machine();
    m.connect();
    m.frame();
    expect(m.stop()).toMatchObject([{ from: 'streaming', to: 'stopped' }]);
    expect(m.frame()).toEqual([]);
    expect(m.tick()).toEqual([]);
    expect(m.state).toBe('stopped');
  });

  it('refuses an offline time shorter than the stall time', () => {
    expect(() => new CameraStateMachine({ stallMs: 10, offlineMs: 5 }, Date.now)).toThrow(RangeError);
  });
});
