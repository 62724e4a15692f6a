import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { clockTime, fromLocalInput, toLocalInput } from '../format.js';
import { html } from '../html.js';
import { itemsOf, type Page } from '../api-client.js';
import type { Officer, OfficerWithSecret, Shift } from '../types.js';

const field = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

/** An officer being added: kept while the form is closed, so the next one of the same district is quick to add. */
interface OfficerDraft {
  name: string;
  badge: string;
  district: string;
  webhook: string;
  supervisor: boolean;
}
const NO_OFFICER: OfficerDraft = { name: '', badge: '', district: '', webhook: '', supervisor: false };

interface ShiftDraft {
  officerId: string;
  start: string;
  end: string;
}
const newShift = (): ShiftDraft => ({
  officerId: '',
  start: toLocalInput(Date.now()),
  end: toLocalInput(Date.now() + 8 * 3600_000),
});

function OfficerForm(props: {
  draft: OfficerDraft;
  setDraft: (d: OfficerDraft) => void;
  onSubmit: (e: Event) => void;
  onCancel: () => void;
}) {
  const d = props.draft;
  const set = (key: keyof OfficerDraft) => field((v) => props.setDraft({ ...d, [key]: v }));
  return html`<form class="panel" onSubmit=${props.onSubmit} aria-label="Add officer">
    <div class="form-grid">
      <label>Name<input required value=${d.name} onInput=${set('name')} /></label>
      <label>Badge<input required value=${d.badge} onInput=${set('badge')} /></label>
      <label>District<input required value=${d.district} onInput=${set('district')} /></label>
      <label><span>Webhook URL <span class="muted">(optional)</span></span><input type="url" value=${d.webhook} onInput=${set('webhook')}
        placeholder="https://…" /></label>
      <label class="check"><input type="checkbox" checked=${d.supervisor}
        onChange=${(e: Event) => props.setDraft({ ...d, supervisor: (e.target as HTMLInputElement).checked })} /> Supervisor (receives escalations)</label>
    </div>
    <div class="actions"><button class="btn btn-primary" type="submit">Add officer</button><button type="button" class="btn"
      onClick=${props.onCancel}>Cancel</button></div>
  </form>`;
}

function ShiftForm(props: {
  officers: Officer[];
  draft: ShiftDraft;
  setDraft: (d: ShiftDraft) => void;
  onSubmit: (e: Event) => void;
  onCancel: () => void;
}) {
  const d = props.draft;
  const set = (key: keyof ShiftDraft) => field((v) => props.setDraft({ ...d, [key]: v }));
  return html`<form class="panel" onSubmit=${props.onSubmit} aria-label="Add shift">
    <div class="form-grid">
      <label>Officer<select required value=${d.officerId} onChange=${set('officerId')}>
        <option value="">Choose…</option>
        ${props.officers.map((o) => html`<option value=${o.id}>${o.name} · ${o.badge} · ${o.district}</option>`)}
      </select></label>
      <label>From<input type="datetime-local" required value=${d.start} onInput=${set('start')} /></label>
      <label><span>Until <span class="muted">(at most 24 h)</span></span><input type="datetime-local" required value=${d.end}
        onInput=${set('end')} /></label>
    </div>
    <div class="actions"><button class="btn btn-primary" type="submit">Add shift</button><button type="button" class="btn"
      onClick=${props.onCancel}>Cancel</button></div>
  </form>`;
}

/** One roster line: the officer (or guard), on duty or not, and their shifts still to come. */
function RosterRow(props: { o: Officer; shifts: Shift[]; onDuty: boolean; now: number }) {
  const { o, now, onDuty } = props;
  const mine = props.shifts
    .filter((s) => s.officerId === o.id && s.endsAt > now)
    .sort((a, b) => a.startsAt - b.startsAt);
  return html`<li class=${onDuty ? 'on-duty' : ''}>
    <span class=${`duty-dot ${onDuty ? 'dot-on' : ''}`} aria-hidden="true"></span>
    <span class="roster-name ellipsis" title=${o.name}>${o.name}${
      o.kind === 'guard'
        ? html` <span class="muted">(guard)</span>`
        : o.supervisor
          ? html` <span class="muted">(supervisor)</span>`
          : ''
    }</span>
    <span class="muted">${o.badge} · ${o.kind === 'guard' ? `case ${o.caseId}` : o.district}</span>
    <span class="roster-shift">${onDuty ? 'On duty' : 'Off duty'}${
      mine.length
        ? ` · ${mine.map((s) => `${clockTime(s.startsAt, now, false)}–${clockTime(s.endsAt, now, false)}`).join(', ')}`
        : ''
    }</span>
  </li>`;
}

/** A new officer's webhook secret, shown once until the operator says it is stored. */
function SecretNotice(props: { name: string; secret: string; onStored: () => void }) {
  return html`<div class="panel secret" role="status">
    <p><strong>Webhook secret for ${props.name}</strong>: shown once. Configure it in the receiver to verify signatures.</p>
    <code class="secret-value">${props.secret}</code>
    <button type="button" class="btn" onClick=${props.onStored}>I have stored it</button>
  </div>`;
}

/** Officers, guards (of a case) and the shifts of the next 24 hours; who is on duty now is marked. */
export function DutyRoster() {
  const { api, can, notify } = useApp();
  const [officers, setOfficers] = useState<Officer[] | null>(null);
  const [shifts, setShifts] = useState<Shift[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState<'officer' | 'shift' | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [officer, setOfficer] = useState(NO_OFFICER);
  const [shift, setShift] = useState(newShift);

  const load = async () => {
    try {
      const now = Date.now();
      const [o, s] = await Promise.all([
        api.get<Page<Officer>>('/v1/officers?limit=500'),
        api.get<Page<Shift>>(`/v1/shifts?from=${now - 12 * 3600_000}&to=${now + 24 * 3600_000}&limit=500`),
      ]);
      setOfficers(itemsOf(o));
      setShifts(itemsOf(s));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), []);

  const addOfficer = async (e: Event) => {
    e.preventDefault();
    try {
      const o = await api.post<OfficerWithSecret>('/v1/officers', {
        name: officer.name.trim(),
        badge: officer.badge.trim(),
        district: officer.district.trim(),
        supervisor: officer.supervisor,
        webhookUrl: officer.webhook.trim() || null,
      });
      if (o.webhookSecret) setSecret({ name: o.name, secret: o.webhookSecret });
      notify(`Officer ${o.name} added`);
      setAdding(null);
      setOfficer({ ...officer, name: '', badge: '', webhook: '' });
      await load();
    } catch (err) {
      notify((err as Error).message, 'error');
    }
  };
  const addShift = async (e: Event) => {
    e.preventDefault();
    const startsAt = fromLocalInput(shift.start);
    const endsAt = fromLocalInput(shift.end);
    if (!shift.officerId || startsAt === null || endsAt === null)
      return notify('Pick an officer and the shift times.', 'error');
    try {
      await api.post<Shift>('/v1/shifts', { officerId: shift.officerId, startsAt, endsAt });
      notify('Shift added');
      setAdding(null);
      await load();
    } catch (err) {
      notify((err as Error).message, 'error');
    }
  };

  if (!can('readOfficers')) return null;
  const now = Date.now();
  const onDuty = new Set(shifts.filter((s) => s.startsAt <= now && now < s.endsAt).map((s) => s.officerId));
  const sorted = [...(officers ?? [])].sort(
    (a, b) =>
      Number(onDuty.has(b.id)) - Number(onDuty.has(a.id)) ||
      a.district.localeCompare(b.district) ||
      a.name.localeCompare(b.name),
  );

  return html`<section class="band" aria-labelledby="h-roster">
    <div class="screen-head">
      <h2 id="h-roster" class="screen-title">Duty roster <span class="count">${onDuty.size} on duty now</span></h2>
      ${
        can('writeOfficers') &&
        html`<button type="button" class="btn" onClick=${() => setAdding(adding === 'officer' ? null : 'officer')}>Add officer</button>
        <button type="button" class="btn" disabled=${!officers?.length} onClick=${() => setAdding(adding === 'shift' ? null : 'shift')}>Add shift</button>`
      }
    </div>
    ${secret && html`<${SecretNotice} name=${secret.name} secret=${secret.secret} onStored=${() => setSecret(null)} />`}
    ${
      adding === 'officer' &&
      html`<${OfficerForm} draft=${officer} setDraft=${setOfficer} onSubmit=${addOfficer} onCancel=${() => setAdding(null)} />`
    }
    ${
      adding === 'shift' &&
      html`<${ShiftForm} officers=${officers ?? []} draft=${shift} setDraft=${setShift} onSubmit=${addShift}
        onCancel=${() => setAdding(null)} />`
    }
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${officers?.length === 0 && html`<p class="empty">No officers registered.</p>`}
    <ul class="roster">
      ${sorted.map((o) => html`<${RosterRow} key=${o.id} o=${o} shifts=${shifts} onDuty=${onDuty.has(o.id)} now=${now} />`)}
    </ul>
  </section>`;
}
