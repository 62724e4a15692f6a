import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { CAMERA_STATE, cameraState } from '../camera-state.js';
import { useStore } from '../store.js';
import { ago, clockTime, fromLocalInput, toLocalInput } from '../format.js';
import { html } from '../html.js';
import type { Camera, Case, OnDuty, Perpetrator } from '../types.js';
import { ConfirmButton } from './confirm-button.js';

const RISK_LABEL: Record<string, string> = {
  very_high: 'Very high risk',
  high: 'High risk',
  medium: 'Medium risk',
  standard: 'Standard risk',
};
const INACTIVE_REASON: Record<string, string> = {
  closed: 'case closed',
  not_started: 'window not started',
  expired: 'window ended: renew to resume',
  outside_active_hours: 'outside daily hours',
};

/** Guards are at the residence; supervisors receive escalations. */
const roleNote = (o: { kind: string; supervisor: boolean }) =>
  o.kind === 'guard' ? ' (guard on site)' : o.supervisor ? ' (supervisor)' : '';

/** Who is on duty for the case right now (its guards on site and the district's officers: its alerts go to them). */
function OnDutyNow(props: { caseId: string }) {
  const { api, can } = useApp();
  const [duty, setDuty] = useState<OnDuty | null | 'error'>(null);
  useEffect(() => {
    if (!can('readOfficers')) return;
    api.get<OnDuty>(`/v1/cases/${encodeURIComponent(props.caseId)}/on-duty`).then(setDuty, () => setDuty('error'));
  }, [props.caseId]);
  if (!can('readOfficers')) return null;
  if (duty === null) return html`<dd>Loading…</dd>`;
  if (duty === 'error') return html`<dd class="muted">Unavailable</dd>`;
  if (!duty.officers.length) return html`<dd class="warn-text">Nobody on duty in ${duty.district}</dd>`;
  return html`<dd>${duty.officers.map(
    (o, i) => html`${i ? ', ' : ''}<span
    title=${`${o.badge} · until ${clockTime(o.shiftEndsAt, Date.now(), false)}`}>${o.name}${roleNote(o)}</span>`,
  )}</dd>`;
}

/** What a case protects, where, when and against whom; its cameras' state and who is on duty for it. */
function CaseFacts(props: { kase: Case; perpetrators: Perpetrator[]; cameras: Camera[] }) {
  const { can, feed } = useApp();
  const alerts = useStore(feed.alerts);
  const c = props.kase;
  // Roles without access to biometric data (officers) see how many, not who.
  const linked = can('readBiometrics')
    ? c.perpetratorIds.map((id) => props.perpetrators.find((p) => p.id === id)?.name ?? id)
    : c.perpetratorIds.length
      ? [`${c.perpetratorIds.length} registered perpetrator${c.perpetratorIds.length === 1 ? '' : 's'}`]
      : [];
  const cams = props.cameras.filter((k) => k.caseId === c.id);
  const endsSoon = c.windowEnd - Date.now() < 48 * 3600_000;
  return html`<dl class="facts">
    <div><dt>Residence</dt><dd title=${c.residence}>${c.residence}</dd></div>
    <div><dt>District</dt><dd>${c.district}</dd></div>
    <div><dt>Window</dt><dd
      class=${endsSoon && c.status === 'open' ? 'warn-text' : ''}>${clockTime(c.windowStart, Date.now(), false)} – ${clockTime(
        c.windowEnd,
        Date.now(),
        false,
      )} (ends ${ago(c.windowEnd)})</dd></div>
    <div><dt>Hours</dt><dd>${c.activeHours ? `${c.activeHours.from}–${c.activeHours.to} (${c.timezone})` : 'All day'}</dd></div>
    <div><dt>Watching for</dt><dd title=${linked.join(', ')}>${
      linked.length
        ? linked.join(', ')
        : html`<span
      class="warn-text">nobody linked</span>`
    }</dd></div>
    <div><dt>Cameras</dt><dd>${
      cams.length
        ? cams.map(
            (k, i) => html`${i ? ', ' : ''}<span
      class=${`cam-${cameraState(k, alerts)}`}>${k.name} (${CAMERA_STATE[cameraState(k, alerts)].label.toLowerCase()})</span>`,
          )
        : html`<span
      class="warn-text">none</span>`
    }</dd></div>
    <div><dt>On duty now</dt><${OnDutyNow} caseId=${c.id} /></div>
  </dl>`;
}

/** One protection case: state of protection first, then links, duty and the changes an operator makes. */
export function CaseCard(props: {
  kase: Case;
  perpetrators: Perpetrator[];
  cameras: Camera[];
  onChanged: () => void;
  onAddCamera: (caseId: string) => void;
}) {
  const { api, can, notify } = useApp();
  const c = props.kase;
  const [editing, setEditing] = useState(false);
  const [ids, setIds] = useState(c.perpetratorIds);
  const [renewTo, setRenewTo] = useState(() => toLocalInput(Date.now() + 14 * 86400_000 - 60_000));

  const patch = async (body: Record<string, unknown>, done: string) => {
    try {
      await api.patch(`/v1/cases/${encodeURIComponent(c.id)}`, body);
      notify(done);
      setEditing(false);
      props.onChanged();
    } catch (err) {
      notify((err as Error).message, 'error');
    }
  };
  const renew = async () => {
    const end = fromLocalInput(renewTo);
    if (end === null) return;
    try {
      await api.post(`/v1/cases/${encodeURIComponent(c.id)}/renew`, { windowEnd: end });
      notify(`Protection of ${c.victimRef} renewed until ${clockTime(end)}`);
      props.onChanged();
    } catch (err) {
      notify((err as Error).message, 'error');
    }
  };

  return html`<article class=${`case-card ${c.protection.active ? 'case-active' : 'case-inactive'}`} data-case-id=${c.id}>
    <header class="case-head">
      <h3 class="ellipsis" title=${c.victimRef}>${c.victimRef}</h3>
      <span class=${`risk risk-${c.riskLevel}`}>${RISK_LABEL[c.riskLevel] ?? c.riskLevel}</span>
      <span class=${`status-badge ${c.protection.active ? 'badge-ok' : 'badge-idle'}`}>
        ${c.protection.active ? 'Protecting' : `Not protecting: ${INACTIVE_REASON[c.protection.reason ?? ''] ?? c.protection.reason ?? c.status}`}
      </span>
    </header>
    <${CaseFacts} kase=${c} perpetrators=${props.perpetrators} cameras=${props.cameras} />
    ${
      editing &&
      html`<fieldset class="panel-inner"><legend>Perpetrators linked to this case</legend>
      <div class="check-list">${props.perpetrators.map(
        (p) => html`<label class="check" key=${p.id}><input type="checkbox" checked=${ids.includes(p.id)}
          onChange=${(e: Event) => setIds((l) => ((e.target as HTMLInputElement).checked ? [...l, p.id] : l.filter((x) => x !== p.id)))} /> <span
            class="ellipsis">${p.name}</span></label>`,
      )}</div>
      <div class="actions"><button type="button" class="btn btn-primary"
        onClick=${() => patch({ perpetratorIds: ids }, `Links of ${c.victimRef} saved`)}>Save links</button>
      <button type="button" class="btn" onClick=${() => setEditing(false)}>Cancel</button></div>
    </fieldset>`
    }
    ${
      can('writeCases') &&
      c.status === 'open' &&
      !editing &&
      html`<div class="actions">
      ${can('readBiometrics') && html`<button type="button" class="btn" onClick=${() => setEditing(true)}>Link perpetrators</button>`}
      ${can('writeCameras') && html`<button type="button" class="btn" onClick=${() => props.onAddCamera(c.id)}>Add camera</button>`}
      <span class="renew"><label>Renew until <input type="datetime-local" value=${renewTo}
        onInput=${(e: Event) => setRenewTo((e.target as HTMLInputElement).value)} /></label>
        <button type="button" class="btn" onClick=${renew}>Renew</button></span>
      <${ConfirmButton} label="Close case" confirm="Stop protection alerts?" onConfirm=${() => patch({ status: 'closed' }, `Case ${c.victimRef} closed`)} />
    </div>`
    }
  </article>`;
}
