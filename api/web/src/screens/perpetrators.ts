import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { AuthImage } from '../components/auth-image.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { EnrolForm } from '../components/enrol-form.js';
import { clockTime } from '../format.js';
import { html } from '../html.js';
import { itemsOf, type Page } from '../api-client.js';
import { forgetLookups, usePerpetrator } from '../lookups.js';
import type { Perpetrator } from '../types.js';

/** The first enrolled photo (the list carries only a count; the detail has the photos). */
function FirstPhoto(props: { perpetrator: Perpetrator }) {
  const p = props.perpetrator;
  const detail = usePerpetrator(p.photoCount ? p.id : null);
  const photo = detail?.photos[0];
  return html`<${AuthImage} class="person-photo" path=${photo ? `/v1/perpetrators/${encodeURIComponent(p.id)}/photos/${encodeURIComponent(photo.id)}` : null}
    alt=${`Photo of ${p.name}`} empty=${p.photoCount ? 'Loading…' : 'No photo'} />`;
}

/** Registered perpetrators (biometric data: every view is audited by the API). */
export function PerpetratorsScreen() {
  const { api, can, notify } = useApp();
  const [list, setList] = useState<Perpetrator[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [enrolling, setEnrolling] = useState<{ id: string; name: string } | 'new' | null>(null);
  const [filter, setFilter] = useState('');

  const load = async () => {
    try {
      setList(itemsOf(await api.get<Page<Perpetrator>>('/v1/perpetrators?limit=200')));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), []);

  const remove = async (p: Perpetrator) => {
    try {
      await api.del(`/v1/perpetrators/${encodeURIComponent(p.id)}`);
      forgetLookups();
      notify(`Deleted ${p.name}: photos and face data purged`);
      await load();
    } catch (err) {
      notify(`Could not delete ${p.name}: ${(err as Error).message}`, 'error');
    }
  };

  const closeForm = () => {
    setEnrolling(null);
    forgetLookups();
    void load();
  };

  const shown = (list ?? []).filter((p) => p.name.toLowerCase().includes(filter.trim().toLowerCase()));
  return html`<div class="screen">
    <div class="screen-head">
      <h2 class="screen-title">Perpetrators <span class="count">${list?.length ?? ''}</span></h2>
      <input class="search" type="search" placeholder="Filter by name" aria-label="Filter perpetrators by name" value=${filter}
        onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} />
      ${
        can('writeBiometrics') &&
        !enrolling &&
        html`<button type="button" class="btn btn-primary"
        onClick=${() => setEnrolling('new')}>Enrol perpetrator</button>`
      }
    </div>
    ${
      enrolling &&
      html`<${EnrolForm} key=${enrolling === 'new' ? 'new' : enrolling.id} existing=${enrolling === 'new' ? null : enrolling}
      onCancel=${closeForm} onSaved=${closeForm} />`
    }
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${list === null && !error && html`<p class="empty">Loading…</p>`}
    ${list?.length === 0 && html`<p class="empty">Nobody is enrolled yet.</p>`}
    <ul class="person-list">
      ${shown.map(
        (p) => html`<li key=${p.id} class="person" data-perpetrator-id=${p.id}>
          <${FirstPhoto} perpetrator=${p} />
          <div class="person-text">
            <h3 class="person-name" title=${p.name}>${p.name}</h3>
            ${p.photoCount === 0 && html`<p class="warn-text">No photo: cannot be recognised until one is enrolled</p>`}
            <p class="muted">${p.photoCount} photo${p.photoCount === 1 ? '' : 's'} · ${
              p.watchEverywhere ? 'watched on every camera' : 'watched on linked cases'
            } · enrolled ${clockTime(p.createdAt)}</p>
            ${p.notes && html`<p class="person-notes" title=${p.notes}>${p.notes}</p>`}
          </div>
          ${
            can('writeBiometrics') &&
            html`<div class="person-actions"><button type="button" class="btn" onClick=${() => setEnrolling({ id: p.id, name: p.name })}>Add photos</button>
            <${ConfirmButton} label="Delete" confirm="Delete profile, photos and face data?" onConfirm=${() => remove(p)} /></div>`
          }
        </li>`,
      )}
    </ul>
  </div>`;
}
