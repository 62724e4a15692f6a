import type { Command } from 'commander';
import { register as api } from './api.js';
import { register as audit } from './audit.js';
import { register as bench } from './bench.js';
import { register as demo } from './demo.js';
import { register as detect } from './detect.js';
import { register as enroll } from './enroll.js';
import { register as evidence } from './evidence.js';
import { register as keys } from './keys.js';
import { register as models } from './models.js';
import { register as replay } from './replay.js';
import { register as worker } from './worker.js';

/** Every subcommand, in the order `watchpost --help` lists them. */
export function registerCommands(program: Command): void {
  for (const register of [demo, api, worker, models, detect, enroll, replay, bench, keys, audit, evidence])
    register(program);
}
