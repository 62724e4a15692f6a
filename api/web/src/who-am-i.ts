import { ApiError, type ApiClient, type Role } from './api-client.js';
import type { Me } from './types.js';

/** 403 means the role may not; any other answer (404 for a made-up id) means it may. */
async function allowed(api: ApiClient, path: string): Promise<boolean> {
  try {
    await api.get(path);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return false;
    if (err instanceof ApiError && err.status === 404) return true;
    throw err;
  }
}

/**
 * Who the key belongs to: `GET /v1/me` where the server has it. Otherwise the
 * role is read from the server's own role checks, using routes that reveal no
 * data (an unknown id answers 404 to a role that may read, 403 to one that may not).
 */
export async function whoAmI(api: ApiClient): Promise<Me> {
  try {
    return await api.get<Me>('/v1/me');
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
  }
  // Validates the key (401 here ends sign-in) for every role.
  await api.get('/v1/alerts?limit=1');
  const [biometrics, officers, admin] = await Promise.all([
    allowed(api, '/v1/perpetrators/_whoami_probe'),
    allowed(api, '/v1/officers/_whoami_probe'),
    allowed(api, '/v1/keys'),
  ]);
  const role: Role = admin ? 'admin' : biometrics && officers ? 'operator' : officers ? 'officer' : 'analyst';
  return { id: '', name: role.charAt(0).toUpperCase() + role.slice(1), role };
}
