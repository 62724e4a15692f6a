import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../runtime/errors.js';
import { verifyArchive } from '../../runtime/evidence-archive.js';

export function register(program: Command): void {
  const evidence = program.command('evidence').description('sealed evidence exports');
  evidence
    .command('verify')
    .description(
      'check an export from GET /v1/alerts/:id/export: the manifest signature and every file; exit 1 when anything changed',
    )
    .argument('<archive>', 'the .zip the export returned')
    .option(
      '--public-key <file>',
      "the server's public key (PEM, from GET /v1/evidence/public-key) to trust instead of the one inside the archive",
    )
    .option('--json', 'print the result as JSON')
    .action(async (archive: string, opts: { publicKey?: string; json?: boolean }) => {
      const read = (path: string, what: string) =>
        readFile(path).catch((err: NodeJS.ErrnoException) => {
          throw new UsageError(`cannot read the ${what} ${path}: ${err.code ?? err.message}`);
        });
      const zip = await read(archive, 'archive');
      const trusted = opts.publicKey ? (await read(opts.publicKey, 'public key')).toString('utf8') : undefined;
      const r = verifyArchive(zip, trusted);
      if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else if (r.ok)
        process.stdout.write(
          `OK: the signature verifies and every file matches its manifest hash${
            trusted
              ? ', signed with the trusted key'
              : ' (signing key taken from the archive: pass --public-key to pin it)'
          }\n`,
        );
      else process.stdout.write(`TAMPERED or incomplete:\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      if (!r.ok) process.exitCode = 1;
    });
}
