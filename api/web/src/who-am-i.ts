import type { ApiClient } from './api-client.js';
import type { Me } from './types.js';

/** Who the key belongs to; a refused key ends sign-in with the server's reason (401). */
export const whoAmI = (api: ApiClient): Promise<Me> => api.get<Me>('/v1/me');
