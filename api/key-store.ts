import { hostname, userInfo } from 'node:os';
import type { Unkeyed } from '../audit/audit-context.js';
import type { Config } from '../pipeline/config/index.js';
import { openDatabase } from '../storage/database/database.js';
import { ApiKeyRepository } from '../storage/repositories/api-key.repository.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { OfficerRepository } from '../storage/repositories/officer.repository.js';
import { SettingsRepository } from '../storage/repositories/settings.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthService, type CreatedKey } from './services/auth.service.js';

type DbConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

/** Who ran the command: the CLI has no API key, so the audit names the operating-system user and host. */
const cliUser = () => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown'; // no passwd entry (a container's arbitrary uid)
  }
};
const cliCaller = (): Unkeyed => ({ name: `${cliUser()} (command line)`, address: hostname() });
const cliActor = () => ({ via: 'cli', user: cliUser() });

/** Key management straight on the database (CLI, demo, tests), without a running API; every change is audited. */
async function withAuth<T>(cfg: DbConfig, fn: (auth: AuthService, audit: AuditService) => Promise<T>): Promise<T> {
  const { db, close } = await openDatabase(cfg);
  try {
    const auth = new AuthService(
      new ApiKeyRepository(db),
      new CaseRepository(db),
      new SettingsRepository(db),
      new OfficerRepository(db),
    );
    return await fn(auth, new AuditService(new AuditRepository(db)));
  } finally {
    await close();
  }
}

export const createApiKey = (
  cfg: DbConfig,
  role: string,
  name: string | null,
  expiresAt: number | null = null,
  officerId: string | null = null,
): Promise<CreatedKey> =>
  withAuth(cfg, async (auth, audit) => {
    const k = await auth.createKey(role, name, expiresAt, officerId);
    await audit.record(
      cliCaller(),
      'key.create',
      { type: 'key', id: k.id },
      {
        role: k.role,
        name: k.name,
        expiresAt: k.expiresAt,
        officerId: k.officerId,
        ...cliActor(),
      },
    );
    return k;
  });

export const listApiKeys = (cfg: DbConfig) => withAuth(cfg, (a) => a.listKeys());

export const revokeApiKey = (cfg: DbConfig, id: string) =>
  withAuth(cfg, async (auth, audit) => {
    const revoked = await auth.revokeKey(id);
    await audit.record(
      cliCaller(),
      'key.revoke',
      { type: 'key', id },
      { outcome: revoked ? 'revoked' : 'not_found', ...cliActor() },
    );
    return revoked;
  });
