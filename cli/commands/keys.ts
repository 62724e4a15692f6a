import type { Command } from 'commander';
import { keyLifetime } from '../../api/dto/admin.dto.js';
import { ROLES } from '../../audit/audit-context.js';
import { cliContext } from '../context.js';
import { UsageError } from '../../runtime/errors.js';

const fmt = (t: number | null) => (t ? new Date(t).toISOString() : '-');
const expiry = (t: number | null) => (!t ? '' : t <= Date.now() ? `  EXPIRED ${fmt(t)}` : `  expires ${fmt(t)}`);

export function register(program: Command): void {
  const keys = program.command('keys').description('manage API keys (stored hashed in the database)');
  keys
    .command('create')
    .description('create an API key; prints the key on the last line (it cannot be shown again)')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--name <label>', "who or what the key is for (an officer key: default the officer's name)")
    .option('--officer <officerId>', 'an officer key: the officer (or guard) it belongs to and acts as (required)')
    .option('--expires <lifetime>', 'the key ends by itself after this long: 12h, 90d, 2w (default: until revoked)')
    .action(async (opts: { role: string; name?: string; officer?: string; expires?: string }, cmd: Command) => {
      if (!(ROLES as readonly string[]).includes(opts.role))
        throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      if (opts.role === 'officer' && !opts.officer)
        throw new UsageError('--officer <officerId> is required for an officer key (GET /v1/officers lists them)');
      if (opts.role !== 'officer' && opts.officer) throw new UsageError('--officer is only for officer keys');
      if (!opts.officer && !opts.name?.trim()) throw new UsageError('--name must not be empty');
      const lifetime = opts.expires === undefined ? null : keyLifetime.safeParse(opts.expires);
      if (lifetime && !lifetime.success)
        throw new UsageError(`--expires: ${lifetime.error.issues[0]?.message}, got '${opts.expires}'`);
      const { cfg } = cliContext(cmd, 'keys');
      const { createApiKey } = await import('../../api/key-store.js');
      const k = await createApiKey(
        cfg,
        opts.role,
        opts.name ?? null,
        lifetime ? Date.now() + lifetime.data : null,
        opts.officer ?? null,
      ).catch((err: Error & { status?: number }) => {
        throw err.status === 400 ? new UsageError(err.message) : err;
      });
      const until = k.expiresAt ? `, valid until ${fmt(k.expiresAt)}` : '';
      process.stdout.write(
        `created ${k.role} key '${k.name}' (id ${k.id}${k.officerId ? `, acting as officer ${k.officerId}` : ''}${until}); ` +
          `it is stored hashed and cannot be shown again:\n${k.key}\n`,
      );
    });
  keys
    .command('list')
    .description('list keys (id, role, name, created, last used, expiry, revoked)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { cfg } = cliContext(cmd, 'keys');
      const { listApiKeys } = await import('../../api/key-store.js');
      const rows = await listApiKeys(cfg);
      if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      for (const k of rows)
        process.stdout.write(
          `${k.id}  ${k.role.padEnd(8)}  ${k.keyPrefix}…  ${k.name}  created ${fmt(k.createdAt)}  ` +
            `used ${fmt(k.lastUsedAt)}${expiry(k.expiresAt)}${k.revokedAt ? `  REVOKED ${fmt(k.revokedAt)}` : ''}\n`,
        );
      if (!rows.length) process.stdout.write('no keys yet: watchpost keys create --role admin --name <label>\n');
    });
  keys
    .command('revoke')
    .description('revoke a key by id (requests with it get 401 from now on)')
    .argument('<id>', 'key id from `watchpost keys list`')
    .action(async (id: string, _opts, cmd: Command) => {
      const { cfg } = cliContext(cmd, 'keys');
      const { revokeApiKey } = await import('../../api/key-store.js');
      if (!(await revokeApiKey(cfg, id))) throw new UsageError(`no active key with id ${id}`);
      process.stdout.write(`revoked ${id}\n`);
    });
}
