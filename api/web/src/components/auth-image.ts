import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { html } from '../html.js';

/**
 * An image the API serves only to authorised roles, fetched with the Bearer key.
 * `refreshKey` changes reload it (the camera grid's live frame) without blanking
 * the old picture in between.
 */
export function AuthImage(props: {
  path: string | null;
  alt: string;
  class?: string;
  refreshKey?: unknown;
  empty?: string;
}) {
  const { api } = useApp();
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    if (!props.path) return;
    const abort = new AbortController();
    api
      .imageDataUrl(props.path, abort.signal)
      .then((url) => {
        setSrc(url);
        setFailed(null);
      })
      .catch((err: Error) => {
        if (abort.signal.aborted) return;
        setFailed((err as { status?: number }).status === 404 ? (props.empty ?? 'No image') : 'Image unavailable');
      });
    return () => abort.abort();
  }, [props.path, props.refreshKey]);

  if (!props.path)
    return html`<div class=${`img-empty ${props.class ?? ''}`} role="img" aria-label=${props.alt}>${props.empty ?? 'No image'}</div>`;
  if (src) return html`<img class=${props.class} src=${src} alt=${props.alt} />`;
  return html`<div class=${`img-empty ${props.class ?? ''}`} role="img" aria-label=${props.alt}>${failed ?? 'Loading…'}</div>`;
}
