import type { Command } from 'commander';
import { tuneHeapForFrames } from '../../runtime/frame-heap.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'run everything on this machine: private Redis, SQLite, all workers, the API and a local RTSP camera replaying a fixture',
    )
    .option('-p, --port <n>', 'API and dashboard port (default: config api.port, 8080; a free one if taken)')
    .option('--fixture <name>', 'footage the demo camera streams in a loop', 'enrolled-walk-in')
    .option('--duration <sec>', 'stop by itself after this many seconds (default: run until Ctrl-C)')
    .action(async (opts, cmd: Command) => {
      const { runDemo } = await import('../demo/run-demo.js');
      tuneHeapForFrames();
      await runDemo(cmd, opts);
    });
}
