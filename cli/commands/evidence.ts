import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../runtime/errors.js';
import { verifyArchive } from '../../runtime/evidence-archive.js';
import { EVIDENCE_KEYS_ENV } from '../../runtime/file-cipher.js';
import { fileStores } from '../../storage/repositories/index.js';
import { cliContext } from '../context.js';

export function register(program: Command): void {
  const evidence = program.command('evidence').description('sealed evidence exports, stored evidence keys');
  evidence
    .command('rekey')
    .description(
      `seal every stored evidence file and enrolment photo with the first key of ${EVIDENCE_KEYS_ENV} (files from ` +
        'before encryption, or under an older key); each is checked first, and one that fails is listed (exit 1)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { cfg } = cliContext(cmd, 'evidence');
      if (!process.env[EVIDENCE_KEYS_ENV]?.trim())
        throw new UsageError(`${EVIDENCE_KEYS_ENV} is not set: there is no key to seal the files with`);
      const stores = fileStores(cfg);
      const result = { evidence: await stores.evidence.rekey(), photos: await stores.photos.rekey() };
      const refused = [...result.evidence.refused, ...result.photos.refused];
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else
        for (const [name, r] of Object.entries(result))
          process.stdout.write(
            `${name}: ${r.rewritten} re-sealed; ${r.files - r.refused.length} of ${r.files} under the current key\n`,
          );
      for (const r of refused) process.stderr.write(`refused ${r.path}: ${r.reason}\n`);
      if (refused.length) process.exitCode = 1;
    });
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
