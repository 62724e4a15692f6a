import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  MODEL_NAMES,
  modelCacheDir,
  prepareAll,
  type PrepareProgress,
  type PreparedModel,
} from '../../models/prepare/index.js';
import { cliContext } from '../context.js';

interface Options {
  force?: boolean;
  verify?: boolean;
}

/** Conversion steps per model, for the progress bar. */
const STEPS: Record<PrepareProgress['stage'], number> = { checking: 0, converting: 1, verifying: 2, ready: 3 };

/** A bar on a terminal; one line per finished model otherwise (logs, CI). */
function progressReporter(total: number): { onProgress: (p: PrepareProgress) => void; stop: () => void } {
  const started = performance.now();
  if (!process.stderr.isTTY) {
    return {
      onProgress: (p) => {
        if (p.stage === 'converting') process.stderr.write(`converting ${p.model}...\n`);
        if (p.stage === 'ready')
          process.stderr.write(
            `${p.model} ${p.prepared!.cached ? 'cached' : 'built'} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
          );
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {percentage}% | {model} {stage}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const steps = Object.keys(STEPS).length - 1;
  bar.start(total * steps, 0, { model: '', stage: '' });
  let done = 0;
  return {
    onProgress: (p) => {
      if (p.stage === 'ready') done += steps;
      bar.update(done + (p.stage === 'ready' ? 0 : STEPS[p.stage]), {
        model: p.model,
        stage: p.stage === 'ready' ? (p.prepared!.cached ? 'cached' : 'built') : p.stage,
      });
    },
    stop: () => bar.stop(),
  };
}

function summary(models: PreparedModel[], cacheDir: string, seconds: number): string {
  const width = Math.max(...models.map((m) => m.name.length));
  const lines = models.map((m) => {
    const io = `${m.inputs.map((i) => `${i.name}[${i.shape.join(',')}]`).join(' ')} -> ${m.outputs.map((o) => `${o.name}[${o.shape.join(',')}]`).join(' ')}`;
    return `  ${m.name.padEnd(width)}  ${m.cached ? 'cached' : 'built '}  ${m.path}  ${io}`;
  });
  const built = models.filter((m) => !m.cached).length;
  return [
    ...lines,
    `${models.length} models ready in ${cacheDir} (${built} built, ${models.length - built} cached; manifest.json) in ${seconds.toFixed(2)} s`,
  ].join('\n');
}

export function register(program: Command): void {
  const models = program.command('models').description('prepare and inspect the ONNX models');
  models
    .command('prepare')
    .description('convert the pretrained models shipped in npm packages to ONNX and cache them (once)')
    .option('--force', 'rebuild even when the cache is valid')
    .option('--verify', 'hash every cached file instead of trusting unchanged size and modification time')
    .action(async (opts: Options, cmd: Command) => {
      const { cfg, log } = cliContext(cmd, 'models');
      const cacheDir = modelCacheDir(cfg);
      const started = performance.now();
      const progress = progressReporter(MODEL_NAMES.length);
      let prepared: PreparedModel[];
      try {
        // The progress display reports each step; the log adds only warnings (stale or corrupt files).
        const warnings = log.child({}, { level: log.isLevelEnabled('warn') ? 'warn' : log.level });
        prepared = await prepareAll({
          cacheDir,
          log: warnings,
          force: opts.force,
          verify: opts.verify,
          onProgress: progress.onProgress,
        });
      } finally {
        progress.stop();
      }
      process.stdout.write(`${summary(prepared, cacheDir, (performance.now() - started) / 1000)}\n`);
    });
}
