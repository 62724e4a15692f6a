import { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('detect')
    .description('detect persons and faces in images; with --gallery, name the faces')
    .argument('<image...>', 'image files (JPEG, PNG, WebP)')
    .option('--json', 'print one JSON object with every result')
    .option('--annotate <out.jpg>', 'write the image with boxes and names drawn')
    .option('--gallery <dir>', 'enrol <name>/<photo> images first, then identify faces')
    .action(async () => {
      throw new Error('watchpost detect: not implemented yet');
    });
}
