import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { CameraForm } from '../components/camera-form.js';
import { CaseCard } from '../components/case-card.js';
import { CaseForm } from '../components/case-form.js';
import { CoverageGaps } from '../components/coverage-gaps.js';
import { DutyRoster } from '../components/duty-roster.js';
import { html } from '../html.js';
import { itemsOf, type Page } from '../api-client.js';
import { forgetLookups } from '../lookups.js';
import { useStore } from '../store.js';
import type { Case, CaseCreated, Perpetrator } from '../types.js';

/** Protection cases (open first, those not protecting right now flagged) and the duty roster. */
export function CasesScreen() {
  const { api, can, cameras, notify } = useApp();
  const cams = useStore(cameras) ?? [];
  const [cases, setCases] = useState<Case[] | null>(null);
  const [perps, setPerps] = useState<Perpetrator[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<{ kind: 'case' } | { kind: 'camera'; caseId: string | null } | null>(null);
  const [created, setCreated] = useState<CaseCreated | null>(null);
  const [showClosed, setShowClosed] = useState(false);

  const load = async () => {
    try {
      setCases(itemsOf(await api.get<Page<Case>>('/v1/cases?limit=500')));
      if (can('readBiometrics')) setPerps(itemsOf(await api.get<Page<Perpetrator>>('/v1/perpetrators?limit=500')));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), []);
  const changed = () => {
    forgetLookups();
    void load();
  };

  const open = (cases ?? [])
    .filter((c) => c.status === 'open')
    .sort((a, b) => Number(a.protection.active) - Number(b.protection.active) || a.windowEnd - b.windowEnd);
  const closed = (cases ?? []).filter((c) => c.status !== 'open');

  return html`<div class="screen">
    <section class="band" aria-labelledby="h-cases">
      <div class="screen-head">
        <h2 id="h-cases" class="screen-title">Protection cases <span class="count">${open.length} open</span></h2>
        ${can('writeCases') && html`<button type="button" class="btn btn-primary" onClick=${() => setForm({ kind: 'case' })}>New case</button>`}
        ${can('writeCameras') && html`<button type="button" class="btn" onClick=${() => setForm({ kind: 'camera', caseId: null })}>Add camera</button>`}
      </div>
      ${
        created &&
        html`<div class="panel secret" role="status">
        <p><strong>Case ${created.victimRef} created.</strong> The victim's panic-button token is shown only now: enter it in the SOS device.</p>
        <code class="secret-value">${created.sosToken}</code>
        <button type="button" class="btn" onClick=${() => setCreated(null)}>I have stored it</button>
      </div>`
      }
      ${
        form?.kind === 'case' &&
        html`<${CaseForm} perpetrators=${perps} onCancel=${() => setForm(null)} onCreated=${(c: CaseCreated) => {
          setCreated(c);
          setForm(null);
          changed();
        }} />`
      }
      ${
        form?.kind === 'camera' &&
        html`<${CameraForm} cases=${open} caseId=${form.caseId} onCancel=${() => setForm(null)}
        onCreated=${() => {
          notify('Camera added: the ingest worker connects within seconds');
          setForm(null);
          changed();
        }} />`
      }
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${cases === null && !error && html`<p class="empty">Loading…</p>`}
      ${cases?.length === 0 && html`<p class="empty">No cases yet.</p>`}
      <div class="case-list">
        ${open.map(
          (c) => html`<${CaseCard} key=${c.id} kase=${c} perpetrators=${perps} cameras=${cams} onChanged=${changed}
          onAddCamera=${(caseId: string) => setForm({ kind: 'camera', caseId })} />`,
        )}
      </div>
      ${
        closed.length > 0 &&
        html`<button type="button" class="btn btn-quiet" aria-expanded=${showClosed}
          onClick=${() => setShowClosed(!showClosed)}>${showClosed ? 'Hide' : 'Show'} ${closed.length} closed case${closed.length === 1 ? '' : 's'}</button>
        ${
          showClosed &&
          html`<div class="case-list">${closed.map(
            (c) => html`<${CaseCard} key=${c.id} kase=${c} perpetrators=${perps} cameras=${cams}
          onChanged=${changed} onAddCamera=${() => undefined} />`,
          )}</div>`
        }`
      }
    </section>
    <${CoverageGaps} cases=${cases} changed=${cases?.length ?? 0} />
    <${DutyRoster} />
  </div>`;
}
