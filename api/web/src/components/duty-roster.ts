import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { clockTime, fromLocalInput, toLocalInput } from '../format.js';
import { html } from '../html.js';
import { itemsOf, type Page } from '../api-client.js';
import type { Officer, OfficerWithSecret, Shift } from '../types.js';

const field = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

/** Officers, guards (of a case) and the shifts of the next 24 hours; who is on duty now is marked. */
export function DutyRoster() {
  const { api, can, notify } = useApp();
  const [officers, setOfficers] = useState<Officer[] | null>(null);
  const [shifts, setShifts] = useState<Shift[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState<'officer' | 'shift' | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  // Forms
  const [name, setName] = useState('');
  const [badge, setBadge] = useState('');
  const [district, setDistrict] = useState('');
  const [webhook, setWebhook] = useState('');
  const [supervisor, setSupervisor] = useState(false);
  const [shiftOfficer, setShiftOfficer] = useState('');
  const [shiftStart, setShiftStart] = useState(() => toLocalInput(Date.now()));
  const [shiftEnd, setShiftEnd] = useState(() => toLocalInput(Date.now() + 8 * 3600_000));

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
        name: name.trim(),
        badge: badge.trim(),
        district: district.trim(),
        supervisor,
        webhookUrl: webhook.trim() || null,
      });
      if (o.webhookSecret) setSecret({ name: o.name, secret: o.webhookSecret });
      notify(`Officer ${o.name} added`);
      setAdding(null);
      setName('');
      setBadge('');
      setWebhook('');
      await load();
    } catch (err) {
      notify((err as Error).message, 'error');
    }
  };
  const addShift = async (e: Event) => {
    e.preventDefault();
    const startsAt = fromLocalInput(shiftStart);
    const endsAt = fromLocalInput(shiftEnd);
    if (!shiftOfficer || startsAt === null || endsAt === null)
      return notify('Pick an officer and the shift times.', 'error');
    try {
      await api.post<Shift>('/v1/shifts', { officerId: shiftOfficer, startsAt, endsAt });
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
    ${
      secret &&
      html`<div class="panel secret" role="status">
      <p><strong>Webhook secret for ${secret.name}</strong>: shown once. Configure it in the receiver to verify signatures.</p>
      <code class="secret-value">${secret.secret}</code>
      <button type="button" class="btn" onClick=${() => setSecret(null)}>I have stored it</button>
    </div>`
    }
    ${
      adding === 'officer' &&
      html`<form class="panel" onSubmit=${addOfficer} aria-label="Add officer">
      <div class="form-grid">
        <label>Name<input required value=${name} onInput=${field(setName)} /></label>
        <label>Badge<input required value=${badge} onInput=${field(setBadge)} /></label>
        <label>District<input required value=${district} onInput=${field(setDistrict)} /></label>
        <label><span>Webhook URL <span class="muted">(optional)</span></span><input type="url" value=${webhook} onInput=${field(setWebhook)}
          placeholder="https://…" /></label>
        <label class="check"><input type="checkbox" checked=${supervisor}
          onChange=${(e: Event) => setSupervisor((e.target as HTMLInputElement).checked)} /> Supervisor (receives escalations)</label>
      </div>
      <div class="actions"><button class="btn btn-primary" type="submit">Add officer</button><button type="button" class="btn"
        onClick=${() => setAdding(null)}>Cancel</button></div>
    </form>`
    }
    ${
      adding === 'shift' &&
      html`<form class="panel" onSubmit=${addShift} aria-label="Add shift">
      <div class="form-grid">
        <label>Officer<select required value=${shiftOfficer} onChange=${field(setShiftOfficer)}>
          <option value="">Choose…</option>
          ${(officers ?? []).map((o) => html`<option value=${o.id}>${o.name} · ${o.badge} · ${o.district}</option>`)}
        </select></label>
        <label>From<input type="datetime-local" required value=${shiftStart} onInput=${field(setShiftStart)} /></label>
        <label><span>Until <span class="muted">(at most 24 h)</span></span><input type="datetime-local" required value=${shiftEnd}
          onInput=${field(setShiftEnd)} /></label>
      </div>
      <div class="actions"><button class="btn btn-primary" type="submit">Add shift</button><button type="button" class="btn"
        onClick=${() => setAdding(null)}>Cancel</button></div>
    </form>`
    }
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${officers?.length === 0 && html`<p class="empty">No officers registered.</p>`}
    <ul class="roster">
      ${sorted.map((o) => {
        const mine = shifts
          .filter((s) => s.officerId === o.id && s.endsAt > now)
          .sort((a, b) => a.startsAt - b.startsAt);
        return html`<li key=${o.id} class=${onDuty.has(o.id) ? 'on-duty' : ''}>
          <span class=${`duty-dot ${onDuty.has(o.id) ? 'dot-on' : ''}`} aria-hidden="true"></span>
          <span class="roster-name ellipsis" title=${o.name}>${o.name}${
            o.kind === 'guard'
              ? html` <span class="muted">(guard)</span>`
              : o.supervisor
                ? html` <span class="muted">(supervisor)</span>`
                : ''
          }</span>
          <span class="muted">${o.badge} · ${o.kind === 'guard' ? `case ${o.caseId}` : o.district}</span>
          <span class="roster-shift">${onDuty.has(o.id) ? 'On duty' : 'Off duty'}${
            mine.length
              ? ` · ${mine.map((s) => `${clockTime(s.startsAt, now, false)}–${clockTime(s.endsAt, now, false)}`).join(', ')}`
              : ''
          }</span>
        </li>`;
      })}
    </ul>
  </section>`;
}
