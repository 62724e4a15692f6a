import { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('replay')
    .description('run footage through the same queues and workers, lossless, and report tracks and alerts')
    .argument('<video>', 'video file or folder of video files')
    .option('--gallery <dir>', 'enrol <name>/<photo> folders as a global watchlist for this run')
    .option('--json <out.json>', 'write the timeline as JSON')
    .action(async () => {
      throw new Error('watchpost replay: not implemented yet');
    });
}
