import { useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { AuthImage } from '../components/auth-image.js';
import { ago, clockTime } from '../format.js';
import { html } from '../html.js';
import { useCases } from '../lookups.js';
import { useStore, useTick } from '../store.js';
import { CAMERA_STATE as STATE, cameraState } from '../camera-state.js';
import type { Camera, CameraState } from '../types.js';

const ORDER: CameraState[] = ['offline', 'stalled', 'connecting', 'unknown', 'stopped', 'streaming'];

/** The camera wall: problems first, each tile with its latest annotated frame, refreshed live. */
export function CamerasScreen() {
  const { cameras, feed } = useApp();
  const cams = useStore(cameras);
  const alerts = useStore(feed.alerts);
  const stateOf = (c: Camera) => cameraState(c, alerts);
  const cases = useCases();
  const now = useTick(2000);
  // Draws the regions the detector examined on each frame (detect.regions): the whole street, or only its middle.
  const [showRegions, setShowRegions] = useState(false);

  if (cams === null) return html`<div class="screen"><p class="empty">Loading cameras…</p></div>`;
  if (cams.length === 0)
    return html`<div class="screen"><p class="empty">No cameras registered yet. Add one under Cases & duty.</p></div>`;
  const sorted = [...cams].sort(
    (a, b) => ORDER.indexOf(stateOf(a)) - ORDER.indexOf(stateOf(b)) || a.name.localeCompare(b.name),
  );
  const problems = sorted.filter((c) => STATE[stateOf(c)].tone === 'alarm' || STATE[stateOf(c)].tone === 'warn').length;
  const streaming = sorted.filter((c) => stateOf(c) === 'streaming').length;

  return html`<div class="screen">
    <h2 class="screen-title">Cameras <span class="count">${cams.length}</span>
      ${problems > 0 && html`<span class="sub sub-warn">${problems} need${problems === 1 ? 's' : ''} attention</span>`}
      <span class="sub">${streaming === cams.length ? 'all streaming' : `${streaming} of ${cams.length} streaming`}</span>
      <label class="sub regions-toggle"><input type="checkbox" name="show-regions" checked=${showRegions}
        onChange=${(e: Event) => setShowRegions((e.currentTarget as HTMLInputElement).checked)} /> regions examined</label></h2>
    <ul class="camera-grid">
      ${sorted.map((c) => {
        const st = STATE[stateOf(c)];
        const kase = cases?.find((k) => k.id === c.caseId);
        const last = c.status?.lastFrameAt ?? null;
        return html`<li key=${c.id} class=${`camera-tile tone-${st.tone}`} data-camera-id=${c.id} data-state=${stateOf(c)}>
          <div class="camera-frame">
            <${AuthImage} class="frame-img" path=${`/v1/cameras/${encodeURIComponent(c.id)}/frame?boxes=1${showRegions ? '&regions=1' : ''}`}
              refreshKey=${stateOf(c) === 'streaming' ? Math.floor(now / 2000) : last}
              alt=${`Latest frame from ${c.name}`} empty=${last ? 'No recent frame' : 'No frame yet'} />
            <span class=${`status-badge badge-${st.tone}`}>${st.label}</span>
          </div>
          <div class="camera-meta">
            <h3 class="camera-name" title=${c.name}>${c.name}</h3>
            <p class="camera-case"
              title=${kase ? `${kase.victimRef} · ${kase.residence}` : ''}>${
                kase ? `${kase.victimRef} · ${kase.residence}` : c.caseId ? c.caseId : 'No case linked'
              }</p>
            ${c.status.reason && html`<p class="camera-reason">${c.status.reason}</p>`}
            ${c.faceSize?.hint && html`<p class="camera-hint" title=${`median of the last ${c.faceSize.samples} faces`}>${c.faceSize.hint}</p>`}
            <p class="camera-stats">
              <span>Last frame ${
                last
                  ? html`<time
                datetime=${new Date(last).toISOString()}>${clockTime(last, now)}</time> (${ago(last, now)})`
                  : 'never'
              }</span>
              <span title=${c.status.ingestWorker ? `read by ingest worker ${c.status.ingestWorker}` : ''}>${(c.status?.fps ?? 0).toFixed(1)} fps</span>
            </p>
          </div>
        </li>`;
      })}
    </ul>
  </div>`;
}
