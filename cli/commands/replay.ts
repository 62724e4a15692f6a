import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { cliContext } from '../context.js';
import { UsageError } from '../errors.js';

const VIDEO = /\.(mp4|mkv|mov|avi|webm|m4v|ts|gif|mjpe?g)$/i;

/** The video files to replay: the file itself, or the videos of a folder in name order. */
function videosOf(path: string): string[] {
  if (!existsSync(path)) throw new UsageError(`no such video file or folder: ${path}`);
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path).filter((f) => VIDEO.test(f)).sort().map((f) => join(path, f));
  if (!files.length) throw new UsageError(`folder ${path} holds no video files`);
  return files;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('run footage through the same queues and workers, lossless, and report tracks and alerts')
    .argument('<video>', 'video file or folder of video files')
    .option('--gallery <dir>', 'enrol <name>/<photo> folders as a global watchlist for this run')
    .option('--json <out.json>', 'write the timeline as JSON (an array when <video> is a folder)')
    .action(async (video: string, opts: { gallery?: string; json?: string }, cmd: Command) => {
      const videos = videosOf(video);
      if (opts.gallery && !(existsSync(opts.gallery) && statSync(opts.gallery).isDirectory())) {
        throw new UsageError(`--gallery ${opts.gallery}: not a folder of <name>/<photo> images`);
      }
      const { cfg, log } = cliContext(cmd, 'replay');
      const { formatReplay, GalleryFolderError, loadReplayModels, runReplay } = await import('../../workers/replay/index.js');
      const models = await loadReplayModels(cfg, log);
      const results = [];
      for (const v of videos) {
        try {
          // Progress on a terminal only (logs and the summary go to stdout).
          const onProgress = process.stderr.isTTY
            ? (p: { frames: number; mediaSec: number }) => process.stderr.write(`\r${v}: ${p.frames} frames (${p.mediaSec.toFixed(1)} s)`)
            : undefined;
          const result = await runReplay({ cfg, log, video: v, galleryDir: opts.gallery, models, onProgress });
          if (onProgress) process.stderr.write('\n');
          if (result.frames === 0) throw new UsageError(`${v}: no frame could be read (${result.stoppedEarly?.reason ?? 'empty video'})`);
          process.stdout.write(`${formatReplay(result)}\n`);
          results.push(result);
        } catch (err) {
          if (err instanceof GalleryFolderError) throw new UsageError(err.message);
          throw err;
        }
      }
      if (opts.json) {
        writeFileSync(opts.json, `${JSON.stringify(statSync(video).isDirectory() ? results : results[0], null, 2)}\n`);
        process.stdout.write(`timeline written to ${opts.json}\n`);
      }
    });
}
