import { Command } from 'commander';

export function register(program: Command): void {
  const models = program.command('models').description('prepare and inspect the ONNX models');
  models
    .command('prepare')
    .description('convert the pretrained models shipped in npm packages to ONNX and cache them (once)')
    .option('--force', 'rebuild even when the cache is valid')
    .action(async () => {
      throw new Error('watchpost models prepare: not implemented yet');
    });
}
