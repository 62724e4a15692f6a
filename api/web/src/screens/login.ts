import { useState } from 'preact/hooks';
import { ApiClient } from '../api-client.js';
import { html } from '../html.js';
import type { Session } from '../session.js';
import { whoAmI } from '../who-am-i.js';

/** Sign-in with an API key (from `watchpost keys create`); the server says who the key belongs to. */
export function Login(props: { onSignedIn: (s: Session) => void; reason?: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return setError('Paste your API key.');
    setBusy(true);
    setError(null);
    try {
      const me = await whoAmI(new ApiClient(trimmed));
      props.onSignedIn({ key: trimmed, me });
    } catch (err) {
      const status = (err as { status?: number }).status;
      setError(
        status === 401
          ? 'This key was not accepted. Check it, or ask an administrator for a new one.'
          : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return html`<main class="login">
    <form class="login-card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title"><span class="brand-mark" aria-hidden="true"></span>watchpost</h1>
      <p class="muted">Protection alerts for victims at high risk. Sign in with your API key.</p>
      ${props.reason && html`<p class="notice" role="status">${props.reason}</p>`}
      <label for="api-key">API key</label>
      <input id="api-key" name="api-key" type="password" autocomplete="off" spellcheck=${false} autoFocus
        value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} aria-describedby=${error ? 'login-error' : undefined} />
      ${error && html`<p id="login-error" class="error" role="alert">${error}</p>`}
      <button class="btn btn-primary btn-block" type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
      <p class="hint">The key stays in this browser tab only and is forgotten when the tab closes.</p>
    </form>
  </main>`;
}
