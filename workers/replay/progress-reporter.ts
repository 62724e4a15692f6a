import cliProgress from 'cli-progress';
import type { ReplayProgress } from './run-replay.js';

export interface ProgressReporter {
  update(p: ReplayProgress): void;
  stop(): void;
}

/**
 * Replay progress on stderr (stdout carries the results): a bar with frames, fps
 * and ETA on a terminal, otherwise a plain line every `everyMs` (logs, CI).
 */
export function progressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  everyMs = 5000,
): ProgressReporter {
  const started = performance.now();
  const rate = (frames: number) => frames / Math.max((performance.now() - started) / 1000, 1e-3);
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {value}/{total} frames | {rate} fps | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update(p) {
        if (!begun) bar.start(p.total, 0, { rate: '0.0' });
        begun = true;
        bar.setTotal(p.total);
        bar.update(p.frames, { rate: rate(p.frames).toFixed(1) });
      },
      stop: () => begun && bar.stop(),
    };
  }
  let last = 0;
  let latest: ReplayProgress | null = null;
  const line = (p: ReplayProgress) => {
    const fps = rate(p.frames);
    const eta = fps > 0 ? Math.max(0, (p.total - p.frames) / fps) : null;
    stream.write(
      `${label}: ${p.frames}/${p.total} frames, ${fps.toFixed(1)} fps, ETA ${eta === null ? '?' : `${eta.toFixed(0)} s`}\n`,
    );
  };
  return {
    update(p) {
      latest = p;
      if (performance.now() - last < everyMs) return;
      last = performance.now();
      line(p);
    },
    stop: () => {
      if (latest) line(latest);
    },
  };
}
