import type { Command } from 'commander';
import { openDatabase } from '../../storage/database/database.js';
import { AuditRepository, type ChainCheck } from '../../storage/repositories/audit.repository.js';
import { cliContext } from '../context.js';

/** One line a person can act on: what was checked, from where to where, or where the chain first breaks. */
export function describeCheck(c: ChainCheck): string {
  const from =
    c.ends.anchorId === null ? 'from the first entry' : `from after entry ${c.ends.anchorId} (older ones purged)`;
  if (c.ok)
    return c.ends.headId === null
      ? 'OK: the audit trail is empty\n'
      : `OK: ${c.checked} audit entries verified ${from} to entry ${c.ends.headId} (head ${c.ends.headHash})\n`;
  const at = c.broken.id === null ? 'after the last stored entry' : `at entry ${c.broken.id}`;
  return `BROKEN ${at}: ${c.broken.problem} (${c.checked} entries before it verified ${from})\n`;
}

export function register(program: Command): void {
  const audit = program.command('audit').description('the audit trail');
  audit
    .command('verify')
    .description(
      "check the audit trail's hash chain from its start to its newest entry; exit 1 at the first broken link",
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { cfg } = cliContext(cmd, 'audit');
      const { db, close } = await openDatabase(cfg);
      try {
        const check = await new AuditRepository(db).verify();
        process.stdout.write(opts.json ? `${JSON.stringify(check, null, 2)}\n` : describeCheck(check));
        if (!check.ok) process.exitCode = 1;
      } finally {
        await close();
      }
    });
}
