import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { html } from '../html.js';

/** Warned this long before a key ends: time to issue its successor. */
const WARN_MS = 14 * 86_400_000;
const REFRESH_MS = 10 * 60_000;

interface KeyRow {
  id: string;
  name: string;
  role: string;
  expiresAt: number | null;
  revokedAt: number | null;
}

const inDays = (ms: number) => {
  const days = Math.ceil(ms / 86_400_000);
  return ms <= 0 ? 'expired' : days <= 1 ? 'within a day' : `in ${days} days`;
};

/**
 * Admins see keys that end within 14 days (or ended in the last 14): an officer whose key
 * lapses stops receiving alerts, so the successor must be issued before, not after.
 */
export function KeyExpiry() {
  const { api, can } = useApp();
  const [keys, setKeys] = useState<KeyRow[]>([]);
  useEffect(() => {
    if (!can('admin')) return;
    const load = () =>
      void api
        .get<{ items: KeyRow[] }>('/v1/keys')
        .then((r) => setKeys(r.items))
        .catch(() => {});
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  const now = Date.now();
  const soon = keys
    .filter((k) => !k.revokedAt && k.expiresAt !== null && Math.abs(k.expiresAt - now) <= WARN_MS)
    .sort((a, b) => a.expiresAt! - b.expiresAt!);
  if (!soon.length) return null;
  const names = soon.map((k) => `${k.name} (${k.role}): ${inDays(k.expiresAt! - now)}`).join('\n');
  return html`<span class="chip chip-warn key-expiry" title=${names} data-testid="key-expiry">
    <strong>${soon.length}</strong> API key${soon.length === 1 ? '' : 's'} ${
      soon.some((k) => k.expiresAt! <= now) ? 'expired or ' : ''
    }expiring: ${soon[0]!.name} ${inDays(soon[0]!.expiresAt! - now)}
  </span>`;
}
