import { useEffect, useMemo, useState } from 'preact/hooks';
import { createAlertFeed } from './alert-feed.js';
import { AlertSound } from './alert-sound.js';
import { ApiClient } from './api-client.js';
import { AppCtx, type AppContext } from './app-context.js';
import { AttentionBar } from './components/attention-bar.js';
import { FeedBanner } from './components/feed-banner.js';
import { html } from './html.js';
import { can, SCREENS, type ScreenId } from './permissions.js';
import { AlertsScreen } from './screens/alerts.js';
import { CamerasScreen } from './screens/cameras.js';
import { CasesScreen } from './screens/cases.js';
import { Login } from './screens/login.js';
import { PerpetratorsScreen } from './screens/perpetrators.js';
import { ProgrammeScreen } from './screens/programme.js';
import { ReplaysScreen } from './screens/replays.js';
import { RetentionScreen } from './screens/retention.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import { createStore } from './store.js';
import type { Camera } from './types.js';

const SCREEN_VIEWS: Record<ScreenId, () => unknown> = {
  alerts: AlertsScreen,
  cameras: CamerasScreen,
  perpetrators: PerpetratorsScreen,
  cases: CasesScreen,
  replays: ReplaysScreen,
  programme: ProgrammeScreen,
  retention: RetentionScreen,
};

const sound = new AlertSound();

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [reason, setReason] = useState<string | null>(null);

  const signIn = (s: Session) => {
    saveSession(s);
    void sound.unlock();
    setReason(null);
    setSession(s);
  };
  const signOut = (why: string | null = null) => {
    clearSession();
    setReason(why);
    setSession(null);
  };

  if (!session) return html`<${Login} onSignedIn=${signIn} reason=${reason} />`;
  return html`<${SignedIn} key=${session.key} session=${session} onSignOut=${signOut} />`;
}

/**
 * bull-board in a new tab. The tab is opened at the click (a tab opened after an await
 * counts as a pop-up), then sent to the board once the API has set the board's cookie.
 */
async function openQueueBoard(ctx: AppContext): Promise<void> {
  const tab = window.open('about:blank', '_blank');
  try {
    const session = await ctx.api.request<{ url: string }>('POST', '/v1/admin/queues/session');
    if (tab) tab.location.href = session.url;
    else location.assign(session.url);
  } catch (err) {
    tab?.close();
    ctx.notify(`Could not open the queue board: ${(err as Error).message}`, 'error');
  }
}

function currentRoute(): string {
  return location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';
}

function SignedIn(props: { session: Session; onSignOut: (why?: string | null) => void }) {
  const { me } = props.session;
  const [route, setRoute] = useState(currentRoute);
  const [note, setNote] = useState<{ text: string; tone: 'info' | 'error'; at: number } | null>(null);

  const ctx = useMemo<AppContext>(() => {
    const api = new ApiClient(props.session.key);
    api.onUnauthorized = () => props.onSignOut('The server no longer accepts this key. Sign in again.');
    // Phones (officers) also vibrate; the header and title carry the visual cue.
    const feed = createAlertFeed(api, sound, () => navigator.vibrate?.([200, 100, 200]), can(me.role, 'reviewAlerts'));
    return {
      api,
      me,
      can: (perm) => can(me.role, perm),
      feed,
      cameras: createStore<Camera[] | null>(null),
      sound,
      notify: (text, tone = 'info') => setNote({ text, tone, at: Date.now() }),
    };
  }, [props.session.key]);

  useEffect(() => () => ctx.feed.close(), [ctx]);
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (!note) return;
    const t = setTimeout(() => setNote(null), note.tone === 'error' ? 10_000 : 4000);
    return () => clearTimeout(t);
  }, [note]);
  // Cameras feed the header's offline count and the grid; one poll serves both.
  useEffect(() => {
    if (!ctx.can('readCameras')) return;
    let stopped = false;
    const poll = async () => {
      try {
        const list = await ctx.api.get<Camera[] | { items: Camera[] }>('/v1/cameras');
        if (!stopped) ctx.cameras.set(Array.isArray(list) ? list : list.items);
      } catch {
        // The grid shows the last known state; the feed state tells whether the server is reachable.
      }
      if (!stopped) timer = setTimeout(poll, 3000);
    };
    let timer = setTimeout(poll, 0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ctx]);

  const screens = SCREENS.filter((s) => s.visible(me.role));
  const active = screens.find((s) => s.id === route) ?? screens[0];
  const View = active ? SCREEN_VIEWS[active.id] : null;

  return html`<${AppCtx.Provider} value=${ctx}>
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="topbar">
      <div class="topbar-row">
        <a class="brand" href="#/alerts" aria-label="watchpost: alerts"><span class="brand-mark" aria-hidden="true"></span>watchpost</a>
        <${AttentionBar} />
        <div class="who">
          <span class="who-name" title=${me.name}>${me.name}</span>
          <span class="role-chip">${me.role}</span>
          ${me.role === 'admin' && html`<button type="button" class="btn btn-quiet" onClick=${() => openQueueBoard(ctx)}>Queues</button>`}
          <button type="button" class="btn btn-quiet" onClick=${() => props.onSignOut(null)}>Sign out</button>
        </div>
      </div>
      <nav class="tabs" aria-label="Screens">
        ${screens.map(
          (s) =>
            html`<a href=${`#/${s.id}`} class=${`tab ${s.id === active?.id ? 'tab-active' : ''}`}
              aria-current=${s.id === active?.id ? 'page' : undefined}>${s.label}</a>`,
        )}
      </nav>
      <${FeedBanner} />
    </header>
    <main id="main" tabIndex=${-1}>${View ? html`<${View} />` : html`<p class="empty">This key's role has no screens.</p>`}</main>
    <div class=${`toast ${note ? `toast-${note.tone}` : 'toast-hidden'}`} role=${note?.tone === 'error' ? 'alert' : 'status'}
      aria-live="polite">${note?.text ?? ''}</div>
  <//>`;
}
