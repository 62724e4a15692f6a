import { useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { html } from '../html.js';
import type { Camera, Case } from '../types.js';

const field = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

/** Registers a camera; its URL may carry credentials, which the API stores but never shows again. */
export function CameraForm(props: {
  cases: Case[];
  caseId: string | null;
  onCreated: (c: Camera) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [caseId, setCaseId] = useState(props.caseId ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onCreated(
        await api.post<Camera>('/v1/cameras', { name: name.trim(), url: url.trim(), caseId: caseId || null }),
      );
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return html`<form class="panel" onSubmit=${submit} aria-labelledby="camera-form-title">
    <h3 id="camera-form-title">Add camera</h3>
    <div class="form-grid">
      <label>Name<input required maxLength=${200} value=${name} onInput=${field(setName)} placeholder="Front door" /></label>
      <label>Stream URL<input required maxLength=${2000} value=${url} onInput=${field(setUrl)} placeholder="rtsp://user:password@host/stream"
        autocomplete="off" spellcheck=${false} /></label>
      <label>Case<select value=${caseId} onChange=${field(setCaseId)}>
        <option value="">No case</option>
        ${props.cases.map((c) => html`<option value=${c.id}>${c.victimRef} · ${c.residence}</option>`)}
      </select></label>
    </div>
    <p class="hint">Credentials in the URL are stored for the ingest worker and never shown or logged.</p>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="actions">
      <button type="submit" class="btn btn-primary" disabled=${busy}>${busy ? 'Adding…' : 'Add camera'}</button>
      <button type="button" class="btn" onClick=${props.onCancel}>Cancel</button>
    </div>
  </form>`;
}
