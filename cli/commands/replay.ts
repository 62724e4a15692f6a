import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { type Command, Option } from 'commander';
import type { Config } from '../../pipeline/config/index.js';
import { identifyVoteRule } from '../../pipeline/track-votes.js';
import { tuneHeapForFrames } from '../../runtime/frame-heap.js';
import { cliContext } from '../context.js';
import { UsageError } from '../../runtime/errors.js';

const VIDEO = /\.(mp4|mkv|mov|avi|webm|m4v|ts|gif|mjpe?g)$/i;

/** The video files to replay: the file itself, or the videos of a folder in name order. */
function videosOf(path: string): string[] {
  if (!existsSync(path)) throw new UsageError(`no such video file or folder: ${path}`);
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((f) => VIDEO.test(f))
    .sort()
    .map((f) => join(path, f));
  if (!files.length) throw new UsageError(`folder ${path} holds no video files`);
  return files;
}

/** With several videos, each output file gets the video's name: report.html -> report.<video>.html. */
function outputFor(path: string, video: string, several: boolean): string {
  if (!several) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${basename(video, extname(video))}${ext}`;
}

/** `--truth` names a truth file (one video) or a folder of `<video name>.truth.json` files. */
function truthFileFor(truth: string, video: string): string | null {
  if (!statSync(truth).isDirectory()) return truth;
  const file = join(truth, `${basename(video, extname(video))}.truth.json`);
  return existsSync(file) ? file : null;
}

/** A protection case's watchlist, read from the database the configuration names. */
async function caseWatchlist(cfg: Config, caseId: string, embedder: string) {
  const { readCaseWatchlist, CaseWatchlistError } = await import('../../api/services/case-watchlist.js');
  const identities = await readCaseWatchlist(cfg, caseId, embedder).catch((err: unknown) => {
    throw err instanceof CaseWatchlistError ? new UsageError(err.message) : err;
  });
  return { source: `case ${caseId}`, identities };
}

interface ReplayCliOptions {
  case?: string;
  gallery?: string;
  truth?: string;
  json?: string;
  html?: string;
  csv?: string;
  clips?: string;
  sweep?: boolean;
  speed: 'max' | 'realtime';
}

type Replay = typeof import('../../workers/replay/index.js');
type ReplayResult = Awaited<ReturnType<Replay['runReplay']>>;

export function register(program: Command): void {
  program
    .command('replay')
    .description(
      'run footage through the same queues and workers, lossless, and report tracks, alerts and (with --truth) precision and recall',
    )
    .argument('<video>', 'video file or folder of video files')
    .option('--case <id>', "watch for a protection case's perpetrators (from the database)")
    .option('--gallery <dir>', 'enrol <name>/<photo> folders as a global watchlist for this run')
    .option(
      '--truth <truth.json>',
      'ground truth (fixtures/README.md format; a folder of <video>.truth.json for a folder of videos)',
    )
    .option('--json <out.json>', 'write the timeline as JSON (an array when <video> is a folder)')
    .option('--html <report.html>', 'write a self-contained HTML report (opens from disk)')
    .option('--csv <out.csv>', 'write the evaluation per identity (with --truth) or the tracks as CSV')
    .option('--clips <dir>', 'write the clip of each alert that would have fired (evidence.preSeconds/postSeconds)')
    .option('--sweep', 'with --truth: print the threshold trade-off table')
    .addOption(
      new Option('--speed <speed>', 'max: as fast as the machine goes; realtime: at the footage rate')
        .choices(['max', 'realtime'])
        .default('max'),
    )
    .action(replayCommand);
}

/** Options that contradict each other or name missing files: refused before anything loads. */
function checkOptions(opts: ReplayCliOptions): void {
  if (opts.case && opts.gallery) throw new UsageError('--case and --gallery are alternatives: give one');
  if (opts.gallery && !(existsSync(opts.gallery) && statSync(opts.gallery).isDirectory())) {
    throw new UsageError(`--gallery ${opts.gallery}: not a folder of <name>/<photo> images`);
  }
  if (opts.truth && !existsSync(opts.truth)) throw new UsageError(`--truth ${opts.truth}: no such file or folder`);
  if (opts.sweep && !opts.truth)
    throw new UsageError('--sweep needs --truth: the trade-off is measured against ground truth');
}

/** Each video's ground truth (undefined where `--truth` has none for it); a bad truth file is a usage error. */
async function readTruths(videos: string[], truth: string | undefined) {
  const { parseTruth, InvalidTruthError } = await import('../../pipeline/evaluation/index.js');
  const readTruth = (file: string) => {
    try {
      return parseTruth(JSON.parse(readFileSync(file, 'utf8')), file);
    } catch (err) {
      if (err instanceof InvalidTruthError || err instanceof SyntaxError)
        throw new UsageError(`--truth ${file}: ${err.message}`);
      throw err;
    }
  };
  return videos.map((v) => {
    const file = truth ? truthFileFor(truth, v) : null;
    return file ? readTruth(file) : undefined;
  });
}

/** Every video's stream info, so an unsupported file is refused before the models load. */
async function probeAll(replay: Replay, videos: string[]) {
  const infos = new Map<string, Awaited<ReturnType<Replay['probeVideo']>>>();
  for (const v of videos) {
    const info = await replay.probeVideo(v).catch((err: unknown) => {
      throw err instanceof replay.UnsupportedVideoError ? new UsageError(err.message) : err;
    });
    infos.set(v, info);
  }
  return infos;
}

async function replayCommand(video: string, opts: ReplayCliOptions, cmd: Command): Promise<void> {
  const videos = videosOf(video);
  const several = statSync(video).isDirectory();
  checkOptions(opts);
  const { cfg, log } = cliContext(cmd, 'replay');
  tuneHeapForFrames();
  const truths = await readTruths(videos, opts.truth);
  const replay = await import('../../workers/replay/index.js');
  const infos = await probeAll(replay, videos);
  const models = await replay.loadReplayModels(cfg, log);
  const { GalleryFolderError } = await import('../../models/index.js');
  const watchlist = opts.case ? await caseWatchlist(cfg, opts.case, models.faceChain.embedderId) : undefined;
  const settings = {
    threshold: models.faceChain.matchThreshold,
    votes: identifyVoteRule(cfg.identify),
  };
  const results = [];
  for (const [i, v] of videos.entries()) {
    const progress = replay.progressReporter(basename(v));
    let result: ReplayResult;
    try {
      result = await replay.runReplay({
        cfg,
        log,
        video: v,
        galleryDir: opts.gallery,
        watchlist,
        models,
        speed: opts.speed,
        onProgress: (p) => progress.update(p),
      });
    } catch (err) {
      if (err instanceof GalleryFolderError || err instanceof replay.UnsupportedVideoError)
        throw new UsageError(err.message);
      throw err;
    } finally {
      progress.stop();
    }
    if (result.frames === 0)
      throw new UsageError(`${v}: no frame could be read (${result.stoppedEarly?.reason ?? 'empty video'})`);
    const truth = truths[i];
    const scored = replay.evaluateReplay(result, { ...settings, truth, sweep: opts.sweep });
    await report(replay, { video: v, info: infos.get(v)!, several, result, scored, truth }, opts, cfg);
    results.push({
      ...result,
      ...(scored.evaluation ? { evaluation: scored.evaluation } : {}),
      ...(scored.sweep ? { sweep: scored.sweep } : {}),
    });
  }
  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify(several ? results : results[0], null, 2)}\n`);
    process.stdout.write(`timeline written to ${opts.json}\n`);
  }
  // The model sessions' worker threads would otherwise keep the process alive.
  await (await import('../../models/session.js')).closeAllSessions();
}

interface VideoReport {
  video: string;
  info: Awaited<ReturnType<Replay['probeVideo']>>;
  /** A folder was replayed: each output file is named after its video. */
  several: boolean;
  result: ReplayResult;
  scored: ReturnType<Replay['evaluateReplay']>;
  truth: Awaited<ReturnType<typeof readTruths>>[number];
}

/** One video's summary (and evaluation) on stdout, and the HTML, clips and CSV the options ask for. */
async function report(replay: Replay, r: VideoReport, opts: ReplayCliOptions, cfg: Config): Promise<void> {
  process.stdout.write(`${replay.formatReplay(r.result)}\n`);
  if (r.truth) process.stdout.write(`${replay.formatEvaluation(r.scored)}\n`);
  else if (opts.truth) process.stdout.write(`no truth for ${basename(r.video)} in ${opts.truth}\n`);
  if (opts.html) {
    const file = outputFor(opts.html, r.video, r.several);
    writeFileSync(file, replay.replayHtml(r.scored, r.truth, new Date().toISOString()));
    process.stdout.write(`report written to ${file}\n`);
  }
  if (opts.clips) {
    const clips = await replay.writeReplayClips(r.result, { path: r.video, info: r.info }, cfg.evidence, opts.clips);
    for (const c of clips)
      process.stdout.write(
        `clip of ${c.identity} (${c.fromSec.toFixed(1)}-${c.toSec.toFixed(1)} s) written to ${c.file}\n`,
      );
  }
  if (opts.csv) {
    const file = outputFor(opts.csv, r.video, r.several);
    writeFileSync(file, replay.replayCsv(r.scored));
    process.stdout.write(`CSV written to ${file}\n`);
  }
}
