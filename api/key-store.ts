import type { Config } from '../pipeline/config/index.js';
import { openDatabase } from './database/database.js';
import { ApiKeyRepository } from './repositories/api-key.repository.js';
import { CaseRepository } from './repositories/case.repository.js';
import { SettingsRepository } from './repositories/settings.repository.js';
import { AuthService, type CreatedKey } from './services/auth.service.js';

/** Key management straight on the database (CLI, demo, tests), without a running API. */
async function withAuth<T>(
  cfg: Pick<Config, 'databaseUrl' | 'dataDir'>,
  fn: (auth: AuthService) => Promise<T>,
): Promise<T> {
  const { db, close } = await openDatabase(cfg);
  try {
    return await fn(new AuthService(new ApiKeyRepository(db), new CaseRepository(db), new SettingsRepository(db)));
  } finally {
    await close();
  }
}

export const createApiKey = (
  cfg: Pick<Config, 'databaseUrl' | 'dataDir'>,
  role: string,
  name: string,
): Promise<CreatedKey> => withAuth(cfg, (a) => a.createKey(role, name));

export const listApiKeys = (cfg: Pick<Config, 'databaseUrl' | 'dataDir'>) => withAuth(cfg, (a) => a.listKeys());

export const revokeApiKey = (cfg: Pick<Config, 'databaseUrl' | 'dataDir'>, id: string) =>
  withAuth(cfg, (a) => a.revokeKey(id));
