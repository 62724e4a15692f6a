import { useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { fromLocalInput, toLocalInput } from '../format.js';
import { html } from '../html.js';
import type { CaseCreated, Perpetrator } from '../types.js';

/** The API's limit: a protection session lasts at most 14 days and is renewed after. */
const MAX_DAYS = 14;
const RISK = [
  ['very_high', 'Very high'],
  ['high', 'High'],
  ['medium', 'Medium'],
  ['standard', 'Standard'],
] as const;

const field = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

/** New protection case: who is protected (a reference, no name), where, from whom, and when. */
export function CaseForm(props: {
  perpetrators: Perpetrator[];
  onCreated: (c: CaseCreated) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const now = Date.now();
  const [victimRef, setVictimRef] = useState('');
  const [residence, setResidence] = useState('');
  const [district, setDistrict] = useState('');
  const [risk, setRisk] = useState('high');
  const [start, setStart] = useState(toLocalInput(now));
  const [end, setEnd] = useState(toLocalInput(now + MAX_DAYS * 86400_000 - 60_000));
  const [hoursOn, setHoursOn] = useState(false);
  const [from, setFrom] = useState('18:00');
  const [to, setTo] = useState('08:00');
  const [ids, setIds] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  const submit = async (e: Event) => {
    e.preventDefault();
    const ws = fromLocalInput(start);
    const we = fromLocalInput(end);
    if (ws === null || we === null) return setError('Enter the start and end of the protection window.');
    if (we <= ws) return setError('The window must end after it starts.');
    if (we - ws > MAX_DAYS * 86400_000)
      return setError(`A protection window lasts at most ${MAX_DAYS} days; renew it before it ends.`);
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<CaseCreated>('/v1/cases', {
        victimRef: victimRef.trim(),
        residence: residence.trim(),
        district: district.trim(),
        riskLevel: risk,
        perpetratorIds: ids,
        windowStart: ws,
        windowEnd: we,
        activeHours: hoursOn ? { from, to } : null,
        timezone,
      });
      props.onCreated(created);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return html`<form class="panel" onSubmit=${submit} aria-labelledby="case-form-title">
    <h3 id="case-form-title">New protection case</h3>
    <div class="form-grid">
      <label><span>Victim reference <span class="muted">(records-system id, not a name)</span></span>
        <input required maxLength=${100} value=${victimRef} onInput=${field(setVictimRef)} /></label>
      <label>Residence<input required maxLength=${300} value=${residence} onInput=${field(setResidence)} /></label>
      <label>Patrol district<input required maxLength=${100} value=${district} onInput=${field(setDistrict)} /></label>
      <label>Risk level<select value=${risk} onChange=${field(setRisk)}>${RISK.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
      <label>Protection from<input type="datetime-local" required value=${start} onInput=${field(setStart)} /></label>
      <label><span>Until <span class="muted">(at most ${MAX_DAYS} days)</span></span><input type="datetime-local" required value=${end}
        onInput=${field(setEnd)} /></label>
    </div>
    <fieldset class="inline-fields">
      <legend>Daily hours</legend>
      <label class="check"><input type="radio" name="hours" checked=${!hoursOn} onChange=${() => setHoursOn(false)} /> All day</label>
      <label class="check"><input type="radio" name="hours" checked=${hoursOn} onChange=${() => setHoursOn(true)} /> Only from</label>
      <input type="time" aria-label="Active from" disabled=${!hoursOn} value=${from} onInput=${field(setFrom)} />
      <span>to</span>
      <input type="time" aria-label="Active until" disabled=${!hoursOn} value=${to} onInput=${field(setTo)} />
      <span class="muted">(${timezone})</span>
    </fieldset>
    <fieldset>
      <legend>Perpetrators to watch for</legend>
      ${props.perpetrators.length === 0 && html`<p class="muted">Nobody is enrolled yet: enrol under Perpetrators, then link here.</p>`}
      <div class="check-list">
        ${props.perpetrators.map(
          (
            p,
          ) => html`<label class="check" key=${p.id} title=${p.name}><input type="checkbox" checked=${ids.includes(p.id)}
            onChange=${(e: Event) => setIds((l) => ((e.target as HTMLInputElement).checked ? [...l, p.id] : l.filter((x) => x !== p.id)))} /> <span
              class="ellipsis">${p.name}</span></label>`,
        )}
      </div>
    </fieldset>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="actions">
      <button type="submit" class="btn btn-primary" disabled=${busy}>${busy ? 'Creating…' : 'Create case'}</button>
      <button type="button" class="btn" onClick=${props.onCancel}>Cancel</button>
    </div>
  </form>`;
}
