import { useEffect, useRef, useState } from 'preact/hooks';
import type { TrackCue } from '../../../../pipeline/clip-track.js';
import { useApp } from '../app-context.js';
import { html } from '../html.js';
import type { Evidence } from '../types.js';

/** Where a video of `vw`×`vh` is shown inside an element of `cw`×`ch` (object-fit: contain). */
function shownRect(cw: number, ch: number, vw: number, vh: number) {
  const scale = Math.min(cw / vw, ch / vh);
  return { scale, x: (cw - vw * scale) / 2, y: (ch - vh * scale) / 2 };
}

/** Draws the active cues' boxes (the matched person) on the overlay; returns how many it drew. */
function drawCues(canvas: HTMLCanvasElement, video: HTMLVideoElement, cues: TrackCue[]): number {
  const dpr = window.devicePixelRatio || 1;
  const cw = video.clientWidth;
  const ch = video.clientHeight;
  canvas.width = Math.round(cw * dpr);
  canvas.height = Math.round(ch * dpr);
  const g = canvas.getContext('2d');
  if (!g) return 0;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, cw, ch);
  g.strokeStyle = '#ffcc00';
  g.lineWidth = 3;
  for (const c of cues) {
    const r = shownRect(cw, ch, c.width, c.height);
    const [x1, y1, x2, y2] = c.box;
    g.strokeRect(r.x + x1 * r.scale, r.y + y1 * r.scale, (x2 - x1) * r.scale, (y2 - y1) * r.scale);
  }
  return cues.length;
}

/**
 * An alert's event clip in the card: the server serves it with byte ranges, so the player seeks;
 * the matched person's box comes as a WebVTT metadata track and is drawn over the video on a
 * canvas, never into it. Elements cannot send the key, so the page trades it for a media ticket.
 * Bystanders are pixelated in the copy shown; only admins get the recording as it was.
 */
export function ClipPlayer(props: { alertId: string; evidence: Evidence[]; title: string }) {
  const { api, can } = useApp();
  const clip =
    props.evidence.find((e) => e.kind === 'clip_redacted') ??
    (can('readOriginalVideo') ? props.evidence.find((e) => e.kind === 'clip') : undefined);
  const hasTrack = props.evidence.some((e) => e.kind === 'clip_track');
  const [ticket, setTicket] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const trackEl = useRef<HTMLTrackElement>(null);

  useEffect(() => {
    if (!clip) return;
    let live = true;
    api
      .post<{ ticket: string }>('/v1/evidence/media-ticket')
      .then((t) => live && setTicket(t.ticket))
      .catch((err: Error) => live && setFailed(err.message));
    return () => {
      live = false;
    };
  }, [clip?.id]);

  useEffect(() => {
    const v = video.current;
    const c = overlay.current;
    const t = trackEl.current?.track;
    if (!v || !c || !t) return;
    t.mode = 'hidden'; // cues fire events, nothing is rendered by the browser
    const draw = () => {
      const active = t.activeCues;
      const cues = Array.from(
        { length: active?.length ?? 0 },
        (_, i) => JSON.parse((active![i] as VTTCue).text) as TrackCue,
      );
      c.dataset.boxes = String(drawCues(c, v, cues));
    };
    t.addEventListener('cuechange', draw);
    window.addEventListener('resize', draw);
    return () => {
      t.removeEventListener('cuechange', draw);
      window.removeEventListener('resize', draw);
    };
  }, [ticket]);

  if (!clip) return null;
  const q = ticket ? `?ticket=${encodeURIComponent(ticket)}` : null;
  return html`<figure class="evidence-clip">
    <div class="clip-stage">
      ${
        q &&
        html`<video ref=${video} class="clip-video" src=${clip.url + q} controls muted playsinline preload="metadata"
          aria-label=${`Event clip: ${props.title}`} onError=${() => setFailed('The clip could not be played.')}>
          ${
            hasTrack &&
            html`<track ref=${trackEl} kind="metadata" default
            src=${`/v1/alerts/${encodeURIComponent(props.alertId)}/clip/track${q}&format=vtt`} />`
          }
        </video>
        <canvas ref=${overlay} class="clip-overlay" aria-hidden="true"></canvas>`
      }
    </div>
    <figcaption>${
      failed ?? (clip.kind === 'clip_redacted' ? 'Event clip · bystanders pixelated' : 'Event clip · as recorded')
    }${hasTrack ? ' · box: matched person' : ''}</figcaption>
  </figure>`;
}
