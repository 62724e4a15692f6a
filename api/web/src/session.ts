import type { Me } from './types.js';

/**
 * The signed-in key lives in sessionStorage: it survives a reload but not closing
 * the tab, and is never written to localStorage or a cookie.
 */
const KEY = 'watchpost.session';

export interface Session {
  key: string;
  me: Me;
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
