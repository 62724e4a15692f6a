import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { AuthImage } from '../components/auth-image.js';
import { mediaTime } from '../format.js';
import { html } from '../html.js';
import { itemsOf, type Page } from '../api-client.js';
import { download, replayTracksCsv } from '../replay-export.js';
import type { Case, Replay, ReplayFixture } from '../types.js';

const DONE = new Set<Replay['status']>(['done', 'failed']);

/** Tracks on a time axis: who was seen when, identified tracks highlighted. */
function Timeline(props: { replay: Replay; durationSec: number }) {
  const tracks = props.replay.result?.tracks ?? [];
  const total = Math.max(props.durationSec, ...tracks.map((t) => t.end), 1);
  const pct = (s: number) => `${(100 * s) / total}%`;
  return html`<ol class="timeline" aria-label="Tracks over time">
    ${tracks.map(
      (t) => html`<li key=${t.id} class=${`tl-row ${t.identity ? 'tl-match' : ''}`}>
        ${
          t.bestFrameUrl
            ? html`<${AuthImage} class="tl-thumb" path=${t.bestFrameUrl} alt=${`Best frame of track ${t.id}`} />`
            : html`<span
          class="tl-thumb img-empty">—</span>`
        }
        <span class="tl-label ellipsis" title=${t.identity?.name ?? 'Unidentified person'}>${t.identity?.name ?? 'Unidentified'}</span>
        <span class="tl-track"><span class="tl-bar" style=${{ left: pct(t.start), width: `max(4px, ${pct(t.end - t.start)})` }}
          title=${`${mediaTime(t.start)}–${mediaTime(t.end)}`}></span></span>
        <span class="tl-time">${mediaTime(t.start)}–${mediaTime(t.end)}</span>
      </li>`,
    )}
  </ol>`;
}

/** One run: its progress while it goes, then what it found, with exports and the timeline. */
function ReplayRun(props: { replay: Replay; durationSec: number }) {
  const { notify } = useApp();
  const { replay, durationSec: duration } = props;
  const p = replay.progress;
  if (!p) return null;
  const exportName = `replay-${replay.id}`;
  return html`<section class="panel" aria-labelledby="h-run">
    <h3 id="h-run">Run ${replay.id} · ${replay.status}</h3>
    <p class="muted">${replay.source} · watched for: ${replay.watchlist}</p>
    ${replay.error && html`<p class="error" role="alert">${replay.error}</p>`}
    <progress max=${p.total || 1} value=${p.frames} aria-label="Frames processed"></progress>
    <p class="muted">${p.frames} / ${p.total || '?'} frames · ${p.fps.toFixed(1)} fps${
      p.etaSec !== null && !DONE.has(replay.status) ? ` · about ${mediaTime(p.etaSec)} left` : ''
    }</p>
    ${
      replay.result &&
      html`<p>${replay.result.tracks.length} tracks, ${
        replay.result.tracks.filter((t) => t.identity).length
      } identified, ${replay.result.alerts.length} alerts.</p>
      <div class="actions">
        <button type="button" class="btn" onClick=${() => {
          download(`${exportName}.json`, JSON.stringify(replay, null, 2), 'application/json');
          notify('JSON exported');
        }}>Export JSON</button>
        <button type="button" class="btn" onClick=${() => {
          download(`${exportName}.csv`, replayTracksCsv(replay), 'text/csv');
          notify('CSV exported');
        }}>Export CSV</button>
      </div>
      <${Timeline} replay=${replay} durationSec=${duration} />`
    }
  </section>`;
}

/** Analysts run footage through the same pipeline and read what it found. */
export function ReplaysScreen() {
  const { api } = useApp();
  const [fixtures, setFixtures] = useState<ReplayFixture[] | null>(null);
  const [cases, setCases] = useState<Case[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [fixture, setFixture] = useState('');
  /** '' : the fixture's own gallery, or every enrolled perpetrator for an upload. */
  const [caseId, setCaseId] = useState('');
  const [replay, setReplay] = useState<Replay | null>(null);
  const [busy, setBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.get<ReplayFixture[]>('/v1/replays/fixtures').then(
      (f) => {
        setFixtures(f);
        setFixture(f[0]?.name ?? '');
      },
      (err: Error) => setError(err.message),
    );
    api.get<Page<Case>>('/v1/cases?limit=500').then(
      (page) => setCases(itemsOf(page)),
      (err: Error) => setError(err.message),
    );
  }, []);

  // Progress: poll while the run is going.
  useEffect(() => {
    if (!replay || DONE.has(replay.status)) return;
    const t = setTimeout(async () => {
      try {
        setReplay(await api.get<Replay>(`/v1/replays/${encodeURIComponent(replay.id)}`));
      } catch (err) {
        setError((err as Error).message);
      }
    }, 1000);
    return () => clearTimeout(t);
  }, [replay]);

  const start = async (body: { fixture: string } | File) => {
    setBusy(true);
    setError(null);
    try {
      const { id } =
        body instanceof File
          ? await api.upload<{ id: string }>(`/v1/replays${caseId ? `?case=${encodeURIComponent(caseId)}` : ''}`, body)
          : await api.post<{ id: string }>('/v1/replays', caseId ? { ...body, case: caseId } : body);
      setReplay(await api.get<Replay>(`/v1/replays/${encodeURIComponent(id)}`));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (fixtures === null && !error)
    return html`<div class="screen"><h2 class="screen-title">Replays</h2><p class="empty">Loading…</p></div>`;

  const duration = fixtures ? (fixtures.find((f) => f.name === fixture)?.durationSec ?? 0) : 0;
  return html`<div class="screen">
    <h2 class="screen-title">Replays</h2>
    <div class="panel">
      <div class="inline-fields">
        <label>Footage<select value=${fixture} onChange=${(e: Event) => setFixture((e.target as HTMLSelectElement).value)} disabled=${!fixtures}>
          ${(fixtures ?? []).map((f) => html`<option value=${f.name}>${f.name} (${mediaTime(f.durationSec)})</option>`)}
        </select></label>
        <label>Watch for<select value=${caseId} onChange=${(e: Event) => setCaseId((e.target as HTMLSelectElement).value)}>
          <option value="">Fixture's gallery; every enrolled perpetrator for an upload</option>
          ${cases.map((c) => html`<option value=${c.id}>Case ${c.victimRef}</option>`)}
        </select></label>
        <button type="button" class="btn btn-primary" disabled=${busy || !fixture} onClick=${() => start({ fixture })}>Run replay</button>
        <span class="muted">or</span>
        <button type="button" class="btn" disabled=${busy} onClick=${() => fileRef.current?.click()}>Upload a video…</button>
        <input ref=${fileRef} class="visually-hidden" type="file" accept="video/*" aria-label="Video file"
          onChange=${(e: Event) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            if (f) void start(f);
          }} />
      </div>
    </div>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${replay && html`<${ReplayRun} replay=${replay} durationSec=${duration} />`}
  </div>`;
}
