import { useApp } from '../app-context.js';
import { html } from '../html.js';
import { useStore } from '../store.js';

/** A lost live feed must not look like a quiet night: say so across the page until it is back. */
export function FeedBanner() {
  const { feed } = useApp();
  const stream = useStore(feed.state);
  if (stream.state === 'live' || stream.state === 'connecting') return null;
  const text =
    stream.state === 'refused'
      ? `The live alert feed was refused${stream.detail ? `: ${stream.detail}` : ''}. Sign in again.`
      : 'Live alert feed lost: reconnecting. New alerts will not appear until it is back; missed ones are fetched then.';
  return html`<div class="banner" role="alert">${text}</div>`;
}
