import type { Command } from 'commander';
import type { WorkerRole } from '../cli/commands/worker.js';

export async function runWorker(role: WorkerRole, _cmd: Command): Promise<void> {
  throw new Error(`worker ${role}: not implemented yet`);
}
