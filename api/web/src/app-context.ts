import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AlertFeed } from './alert-feed.js';
import type { AlertSound } from './alert-sound.js';
import type { ApiClient } from './api-client.js';
import type { Permission } from './permissions.js';
import type { Store } from './store.js';
import type { Camera, Me } from './types.js';

export interface AppContext {
  api: ApiClient;
  me: Me;
  can: (perm: Permission) => boolean;
  feed: AlertFeed;
  /** Cameras and their pipeline status, polled while signed in (null until the first answer). */
  cameras: Store<Camera[] | null>;
  sound: AlertSound;
  /** A short message in the status line (errors of actions, confirmations). */
  notify: (text: string, tone?: 'info' | 'error') => void;
}

export const AppCtx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(AppCtx);
  if (!ctx) throw new Error('useApp outside the signed-in app');
  return ctx;
}
