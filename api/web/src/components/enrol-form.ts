import { useRef, useState } from 'preact/hooks';
import type { EnrolmentRefusalReason } from '../../../../pipeline/face-quality-rule.js';
import { ApiError } from '../api-client.js';
import { useApp } from '../app-context.js';
import { html } from '../html.js';
import type { Box, Perpetrator, PerpetratorDetail, Photo } from '../types.js';
import { FacePhoto } from './face-photo.js';

/** What the server found in a photo before anything is stored (`POST /v1/faces/detect`). */
interface FaceCheck {
  width: number;
  height: number;
  faces: { box: Box; score?: number }[];
  /** The server's own enrolment gate applied to this photo. */
  enrolment: {
    ok: boolean;
    reason: EnrolmentRefusalReason | null;
    message: string;
    /** The face the verdict is about. */
    box?: Box;
    quality?: PhotoQuality;
  };
}

/** How good an accepted face is, and what a better photo would add. */
interface PhotoQuality {
  score: number;
  measures: Record<string, number>;
  advice: string[];
}

/** One line an operator reads at a glance: e.g. "Quality 87%: face 180 px, turned 12°". */
export function qualityLine(q: PhotoQuality): string {
  const m = q.measures;
  const turned = Math.max(Math.abs(m.yaw ?? 0), Math.abs(m.pitch ?? 0));
  return `Quality ${Math.round(q.score * 100)}%: face ${Math.round(m.widthPx ?? 0)} px${turned >= 10 ? `, turned ${Math.round(turned)}°` : ''}`;
}

type Candidate = {
  key: string;
  file: File;
  dataUrl: string;
  status: 'checking' | 'ok' | 'refused' | 'saved' | 'failed';
  check?: FaceCheck;
  reason?: string;
};

const ACCEPT = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_MB = 10;

const readDataUrl = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });

/** The server's verdict in words an operator can act on. */
export function verdictOf(check: FaceCheck): { ok: boolean; reason: string } {
  const n = check.faces.length;
  const e = check.enrolment;
  if (e.ok)
    return {
      ok: true,
      reason: n > 1 ? `One face found (${n - 1} much smaller in the background ignored)` : 'One face found',
    };
  if (e.reason === 'no_face') return { ok: false, reason: 'No face found: use a clear, front-facing photo' };
  if (e.reason === 'several_faces') return { ok: false, reason: `${n} faces found: use a photo of this person alone` };
  // The gate's own sentence ("face too small: 38 px, need 80", "no human face: ... dog"), capitalised.
  return { ok: false, reason: e.message.charAt(0).toUpperCase() + e.message.slice(1) };
}

/** Uploads each usable photo to the profile, marking it saved (with the face the server kept) or failed; returns how many failed. */
async function uploadPhotos(
  api: ReturnType<typeof useApp>['api'],
  id: string,
  usable: Candidate[],
  update: (key: string, patch: Partial<Candidate>) => void,
): Promise<number> {
  let failed = 0;
  for (const p of usable) {
    try {
      const photo = await api.upload<Photo>(`/v1/perpetrators/${encodeURIComponent(id)}/photos`, p.file);
      const check: FaceCheck = {
        width: photo.width,
        height: photo.height,
        faces: [{ box: photo.faceBox }],
        enrolment: { ok: true, reason: null, message: 'enrolled' },
      };
      update(p.key, { status: 'saved', reason: 'Enrolled', check });
    } catch (err) {
      failed++;
      update(p.key, { status: 'failed', reason: err instanceof ApiError ? err.message : 'Upload failed' });
    }
  }
  return failed;
}

/** Where photos are dropped or chosen. */
function PhotoDrop(props: { onFiles: (files: FileList) => void }) {
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  return html`<div class=${`dropzone ${dragging ? 'dropzone-over' : ''}`}
    onDragOver=${(e: DragEvent) => {
      e.preventDefault();
      setDragging(true);
    }}
    onDragLeave=${() => setDragging(false)}
    onDrop=${(e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      if (e.dataTransfer?.files.length) void props.onFiles(e.dataTransfer.files);
    }}>
    <p>Drop photos here, or</p>
    <button type="button" class="btn" onClick=${() => inputRef.current?.click()}>Choose photos…</button>
    <input ref=${inputRef} class="visually-hidden" type="file" accept=${ACCEPT.join(',')} multiple aria-label="Photos"
      onChange=${(e: Event) => {
        const t = e.target as HTMLInputElement;
        if (t.files?.length) void props.onFiles(t.files);
        t.value = '';
      }} />
    <p class="hint">Each photo must show exactly one face. Faces found are outlined before anything is saved.</p>
  </div>`;
}

/** One photo: the faces the server found outlined on it, its verdict, quality and advice. */
function CandidateItem(props: { p: Candidate; onRemove: () => void }) {
  const { p } = props;
  return html`<li class=${`candidate cand-${p.status}`} data-status=${p.status}>
    ${
      p.dataUrl
        ? html`<div class="cand-photo"><${FacePhoto} src=${p.dataUrl} width=${p.check?.width ?? 1} height=${p.check?.height ?? 1}
          faces=${p.check ? p.check.faces.map((f) => f.box) : []}
          alt=${p.file.name} tone=${p.status === 'refused' || p.status === 'failed' ? 'bad' : 'ok'} />
          ${p.status === 'refused' && p.reason && html`<span class="cand-on-photo" aria-hidden="true">${p.reason}</span>`}</div>`
        : html`<div class="img-empty">Not an image</div>`
    }
    <div class="cand-text">
      <span class="cand-name" title=${p.file.name}>${p.file.name}</span>
      <span class="cand-reason" role=${p.status === 'refused' ? 'alert' : undefined}>${p.status === 'checking' ? 'Looking for faces…' : p.reason}</span>
      ${p.check?.enrolment.quality && html`<span class="cand-quality">${qualityLine(p.check.enrolment.quality)}</span>`}
      ${
        (p.check?.enrolment.quality?.advice.length ?? 0) > 0 &&
        html`<span
        class="cand-advice">A better photo would add: ${p.check!.enrolment.quality!.advice.join('; ')}</span>`
      }
    </div>
    ${
      p.status !== 'saved' &&
      html`<button type="button" class="btn btn-quiet" aria-label=${`Remove ${p.file.name}`}
      onClick=${props.onRemove}>Remove</button>`
    }
  </li>`;
}

/** The photos picked so far, each checked by the server's face detector as it is added. */
function useCandidates() {
  const { api } = useApp();
  const [photos, setPhotos] = useState<Candidate[]>([]);
  const counter = useRef(0);
  const update = (key: string, patch: Partial<Candidate>) =>
    setPhotos((list) => list.map((c) => (c.key === key ? { ...c, ...patch } : c)));

  const addFiles = async (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = `p${counter.current++}`;
      if (!ACCEPT.includes(file.type)) {
        setPhotos((l) => [
          ...l,
          { key, file, dataUrl: '', status: 'refused', reason: `${file.name}: not a JPEG, PNG or WebP image` },
        ]);
        continue;
      }
      if (file.size > MAX_MB * 1024 * 1024) {
        setPhotos((l) => [
          ...l,
          { key, file, dataUrl: '', status: 'refused', reason: `${file.name}: larger than ${MAX_MB} MB` },
        ]);
        continue;
      }
      const dataUrl = await readDataUrl(file);
      setPhotos((l) => [...l, { key, file, dataUrl, status: 'checking' }]);
      try {
        const check = await api.upload<FaceCheck>('/v1/faces/detect', file);
        const v = verdictOf(check);
        update(key, { check, status: v.ok ? 'ok' : 'refused', reason: v.reason });
      } catch (err) {
        update(key, { status: 'refused', reason: (err as Error).message });
      }
    }
  };
  return { photos, setPhotos, update, addFiles };
}

/**
 * Enrolment: name, then photos dropped or chosen; each photo is checked by the
 * server's face detector and shown with the faces found before anything is saved.
 * Photos with no face or several faces are refused with the reason.
 */
export function EnrolForm(props: {
  existing: { id: string; name: string } | null;
  onSaved: (p: PerpetratorDetail) => void;
  onCancel: () => void;
}) {
  const { api, notify } = useApp();
  const [name, setName] = useState(props.existing?.name ?? '');
  const [notes, setNotes] = useState('');
  const [everywhere, setEverywhere] = useState(false);
  const { photos, setPhotos, update, addFiles } = useCandidates();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [savedId, setSavedId] = useState<string | null>(props.existing?.id ?? null);

  const usable = photos.filter((p) => p.status === 'ok');
  const checking = photos.some((p) => p.status === 'checking');

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setError('Enter the name.');
    if (!usable.length) return setError('Add at least one photo with exactly one face.');
    setSaving(true);
    try {
      // Created once: a second Save (after a refused photo) adds photos to the same profile.
      const id =
        savedId ??
        (
          await api.post<Perpetrator>('/v1/perpetrators', {
            name: name.trim(),
            notes: notes.trim() || null,
            watchEverywhere: everywhere,
          })
        ).id;
      setSavedId(id);
      const failed = await uploadPhotos(api, id, usable, update);
      const full = await api.get<PerpetratorDetail>(`/v1/perpetrators/${encodeURIComponent(id)}`);
      if (failed === 0) {
        notify(`Enrolled ${full.name} with ${full.photos.length} photo${full.photos.length === 1 ? '' : 's'}`);
        props.onSaved(full);
      } else {
        setError(
          full.photos.length
            ? `${full.name} is saved with ${full.photos.length} photo${full.photos.length === 1 ? '' : 's'}; ` +
                `${failed} refused (reasons above). Add other photos, or close.`
            : `${full.name} is saved but has no usable photo yet, so cannot be recognised: add a photo with one clear face.`,
        );
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return html`<form class="panel enrol" onSubmit=${save} aria-labelledby="enrol-title">
    <h3 id="enrol-title">${props.existing ? `Add photos of ${props.existing.name}` : 'Enrol a perpetrator'}</h3>
    <div class="form-grid">
      <label>Name<input required maxLength=${200} disabled=${!!savedId} value=${name}
        onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></label>
      <label><span>Notes <span class="muted">(optional)</span></span><input maxLength=${1000} disabled=${!!savedId} value=${notes}
        onInput=${(e: Event) => setNotes((e.target as HTMLInputElement).value)} /></label>
      <label class="check"><input type="checkbox" disabled=${!!savedId} checked=${everywhere}
        onChange=${(e: Event) => setEverywhere((e.target as HTMLInputElement).checked)} /> Watch on every camera, not only those of linked cases</label>
    </div>
    <${PhotoDrop} onFiles=${addFiles} />
    ${
      photos.length > 0 &&
      html`<ul class="candidates" aria-label="Photos to enrol">
      ${photos.map(
        (p) =>
          html`<${CandidateItem} key=${p.key} p=${p} onRemove=${() => setPhotos((l) => l.filter((c) => c.key !== p.key))} />`,
      )}
    </ul>`
    }
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="actions">
      <button type="submit" class="btn btn-primary" disabled=${saving || checking || !usable.length || !name.trim()}>
        ${saving ? 'Saving…' : `${savedId ? 'Add' : 'Save with'} ${usable.length} photo${usable.length === 1 ? '' : 's'}`}
      </button>
      <button type="button" class="btn" onClick=${props.onCancel}>${savedId ? 'Close' : 'Cancel'}</button>
    </div>
  </form>`;
}
