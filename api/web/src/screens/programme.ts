import { useEffect, useState } from 'preact/hooks';
import { toCsv } from '../../../../pipeline/csv.js';
import { type ProgrammeReport, programmeReportRows } from '../../../../pipeline/programme-report.js';
import { useApp } from '../app-context.js';
import { html } from '../html.js';
import { download } from '../replay-export.js';

const DAY = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const field = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
const secs = (s: number | null) => (s === null ? '—' : s < 120 ? `${s} s` : `${(s / 60).toFixed(1)} min`);

/** One figure with its label. */
export const Figure = (props: { label: string; value: string | number; id?: string }) =>
  html`<div class="figure" data-figure=${props.id ?? props.label}><dt>${props.label}</dt><dd>${props.value}</dd></div>`;

/** The programme in a period (admins, analysts): what an agency reads to judge whether protection works. */
export function ProgrammeScreen() {
  const { api, notify } = useApp();
  // Days are UTC, as the API reads YYYY-MM-DD; `to` is exclusive, so the default period ends tomorrow.
  const [from, setFrom] = useState(() => isoDay(Date.now() - 30 * DAY));
  const [to, setTo] = useState(() => isoDay(Date.now() + DAY));
  const [report, setReport] = useState<ProgrammeReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      setReport(await api.get<ProgrammeReport>(`/v1/reports/programme?from=${from}&to=${to}`));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), []);

  const exportCsv = () => {
    if (!report) return;
    download(
      `programme-${from}-${to}.csv`,
      toCsv(['section', 'metric', 'value'], programmeReportRows(report)),
      'text/csv',
    );
    notify('Report exported as CSV');
  };

  const r = report;
  return html`<section class="band" aria-labelledby="h-programme">
    <div class="screen-head">
      <h2 id="h-programme" class="screen-title">Programme report</h2>
    </div>
    <form class="panel inline-fields" aria-label="Report period" onSubmit=${(e: Event) => (e.preventDefault(), void load())}>
      <label>From<input type="date" required value=${from} onInput=${field(setFrom)} /></label>
      <label>Until<input type="date" required value=${to} onInput=${field(setTo)} /></label>
      <button class="btn btn-primary" type="submit">Show</button>
      <button class="btn" type="button" disabled=${!r} onClick=${exportCsv}>Export CSV</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${
      r &&
      html`<div class="report">
      <h3>Protection</h3>
      <dl class="figures">
        <${Figure} label="Cases protected" value=${r.cases.protected} />
        <${Figure} label="Cases opened" value=${r.cases.opened} />
        <${Figure} label="Protection sessions" value=${r.sessions.count} />
        <${Figure} label="Hours protected" value=${r.sessions.protectedHours} />
      </dl>
      <h3>Alerts</h3>
      <dl class="figures">
        <${Figure} label="Face matches" value=${r.alerts.byKind.match ?? 0} />
        <${Figure} label="SOS" value=${r.alerts.byKind.sos ?? 0} />
        <${Figure} label="Camera tampering" value=${r.alerts.byKind.camera_offline ?? 0} />
        <${Figure} label="Confirmed sightings" value=${r.confirmedSightings} />
        <${Figure} label="False positives" value=${r.falsePositives} />
      </dl>
      <h3>Outcomes</h3>
      <dl class="figures">
        <${Figure} label="Interceptions" value=${r.interceptions} />
        <${Figure} label="Arrests" value=${r.arrests} />
        <${Figure} label="No contact" value=${r.outcomes.no_contact} />
        <${Figure} label="False alarms" value=${r.outcomes.false_alarm} />
      </dl>
      <h3>From the sighting to…</h3>
      <table class="report-times">
        <thead><tr><th scope="col">Step</th><th scope="col">Alerts</th><th scope="col">Median</th><th scope="col">p90</th></tr></thead>
        <tbody>
          ${(
            [
              ['confirmation', r.times.toConfirmation],
              ['acknowledgement', r.times.toAcknowledgement],
              ['resolution', r.times.toResolution],
            ] as const
          ).map(
            ([step, t]) =>
              html`<tr data-step=${step}><th scope="row">${step}</th><td>${t.count}</td><td>${secs(t.medianSec)}</td><td>${secs(t.p90Sec)}</td></tr>`,
          )}
        </tbody>
      </table>
    </div>`
    }
  </section>`;
}
