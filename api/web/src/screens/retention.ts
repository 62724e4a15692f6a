import { useEffect, useState } from 'preact/hooks';
import { PURGE_KINDS, type PolicyRow, type RetentionRun } from '../../../../pipeline/retention.js';
import { useApp } from '../app-context.js';
import { ago } from '../format.js';
import { html } from '../html.js';
import { Figure } from './programme.js';

interface RetentionStatus {
  policy: PolicyRow[];
  everySeconds: number;
  lastRun: RetentionRun | null;
  nextRunAt: number | null;
}

const KIND_LABELS: Record<(typeof PURGE_KINDS)[number], string> = {
  alerts: 'Alerts',
  evidenceFiles: 'Evidence files',
  clips: 'Clips',
  deliveries: 'Deliveries',
  replays: 'Replays',
  replayFrames: 'Replay frames',
  trackLogEntries: 'Track-log entries',
  auditEntries: 'Audit entries',
};

const when = (t: number) => new Date(t).toLocaleString();

/** Admins: how long each kind of personal data is kept, and what the last purge run deleted. */
export function RetentionScreen() {
  const { api, notify } = useApp();
  const [status, setStatus] = useState<RetentionStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    try {
      setStatus(await api.get<RetentionStatus>('/v1/retention'));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), []);
  const runNow = async () => {
    try {
      await api.post('/v1/retention/run');
      notify('Purge queued: the retention worker runs it');
    } catch (err) {
      notify((err as Error).message, 'error');
    }
  };

  const s = status;
  const run = s?.lastRun;
  return html`<section class="band" aria-labelledby="h-retention">
    <div class="screen-head">
      <h2 id="h-retention" class="screen-title">Retention</h2>
      <button class="btn" type="button" onClick=${() => void runNow()}>Purge now</button>
      <button class="btn" type="button" onClick=${() => void load()}>Refresh</button>
    </div>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${
      s &&
      html`<div class="report">
      <h3>Last purge</h3>
      ${
        run
          ? html`<p data-testid="retention-last-run">
              ${when(run.finishedAt)} (${ago(run.finishedAt)}), ${run.error ? html`<strong class="error">failed: ${run.error}</strong>` : 'finished'}
            </p>
            <dl class="figures">${PURGE_KINDS.map((k) => html`<${Figure} id=${k} label=${KIND_LABELS[k]} value=${run.counts[k]} />`)}</dl>`
          : html`<p data-testid="retention-last-run">No purge has run yet.</p>`
      }
      <p data-testid="retention-next-run">
        ${s.nextRunAt ? `Next run ${when(s.nextRunAt)}` : 'No retention worker has scheduled the purge: is `watchpost worker retention` running?'}
        (every ${Math.round(s.everySeconds / 60)} min)
      </p>
      <h3>Policy</h3>
      <table class="report-times retention-policy">
        <thead><tr><th scope="col">Data</th><th scope="col">Kept</th><th scope="col">Config key</th><th scope="col">Deleted by</th></tr></thead>
        <tbody>
          ${s.policy.map(
            (p) =>
              html`<tr><th scope="row">${p.data}</th><td>${p.lifetime}</td><td><code>${p.configKey ?? '—'}</code></td><td>${p.deletedBy}</td></tr>`,
          )}
        </tbody>
      </table>
    </div>`
    }
  </section>`;
}
