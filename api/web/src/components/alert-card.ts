import { useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { ago, clockTime, evidenceText } from '../format.js';
import { html } from '../html.js';
import { useAlertDetail, usePerpetrator } from '../lookups.js';
import type { Alert, AlertDetail, Camera, Case } from '../types.js';
import { AuthImage } from './auth-image.js';
import { ClipPlayer } from './clip-player.js';
import { ConfirmButton } from './confirm-button.js';

const KIND_LABEL: Record<string, string> = {
  match: 'Perpetrator seen',
  camera_offline: 'Camera offline',
  sos: 'Victim SOS',
};
const ACTION_LABEL: Record<string, string> = {
  confirm: 'Confirmed by',
  reject: 'Rejected by',
  review_missed: 'Not reviewed in time:',
  acknowledge: 'Acknowledged by',
  resolve: 'Resolved by',
  false_positive: 'Marked false positive by',
  'camera.online': 'Camera back online',
};
/** Resolving records what happened: the programme report counts these. */
const OUTCOMES = [
  ['intercepted', 'Intercepted'],
  ['arrested', 'Arrested'],
  ['no_contact', 'No contact'],
  ['false_alarm', 'False alarm'],
] as const;
export const OUTCOME_LABEL: Record<string, string> = Object.fromEntries(OUTCOMES);

const STATE_LABEL: Record<string, string> = {
  pending_review: 'Needs review',
  new: 'New',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  false_positive: 'False positive',
};

export const alertTitle = (a: Alert, cameras: Camera[] | null) =>
  a.kind === 'match'
    ? (a.perpetratorName ?? 'Unknown person')
    : a.kind === 'camera_offline'
      ? cameraName(a.cameraId, cameras)
      : 'Panic button pressed';

export const cameraName = (id: string | null, cameras: Camera[] | null) =>
  (id && cameras?.find((c) => c.id === id)?.name) || id || 'Unknown camera';

const evidencePath = (d: AlertDetail | null, kind: 'snapshot' | 'snapshot_redacted' | 'face_crop') =>
  d?.evidence.find((e) => e.kind === kind)?.url ?? null;

/** The enrolled photo beside the live face crop, so a person can judge the match. */
function EnrolledPhoto(props: { perpetratorId: string | null; name: string }) {
  const { can } = useApp();
  const p = usePerpetrator(props.perpetratorId);
  if (!can('readBiometrics')) return null;
  const photo = p?.photos[0];
  return html`<figure class="evidence-face">
    <${AuthImage} class="face-img" path=${photo ? `/v1/perpetrators/${encodeURIComponent(p!.id)}/photos/${encodeURIComponent(photo.id)}` : null}
      alt=${`Enrolled photo of ${props.name}`} empty=${p ? 'No enrolled photo' : 'Loading…'} />
    <figcaption>Enrolled</figcaption>
  </figure>`;
}

const FLAG_LABEL: Record<string, string> = {
  unconfirmed: 'Unconfirmed: nobody reviewed it in time',
  no_officer_on_duty: 'No officer on duty: sent to the fallback',
  nobody_reached: 'Nobody could be sent it',
  evidence_tampered: 'Evidence changed on disk: refused (see the audit)',
};

/** Posts an action on an alert, puts the answer in the feed and says how it went; `busy` names the action under way. */
function useAlertAction(alertId: string) {
  const { api, feed, notify } = useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (action: string, body: object, done: string, failed: string) => {
    setBusy(action);
    try {
      const updated = await api.post<Alert>(`/v1/alerts/${encodeURIComponent(alertId)}/${action}`, body);
      if (updated?.id) feed.upsert(updated);
      notify(done);
    } catch (err) {
      notify(`${failed}: ${(err as Error).message}`, 'error');
    } finally {
      setBusy(null);
    }
  };
  return { busy, run };
}

/** The control room's decision on a match: confirm (officers are sent) or reject (nobody is disturbed). */
function ReviewActions(props: { alert: Alert; title: string; now: number }) {
  const a = props.alert;
  const { busy, run } = useAlertAction(a.id);
  const decide = (action: 'confirm' | 'reject', label: string) =>
    run(action, {}, `${label}: ${props.title}`, `Could not ${action}`);
  const left = a.reviewDueAt ? Math.max(0, Math.round((a.reviewDueAt - props.now) / 1000)) : null;
  return html`<div class="actions review-actions">
    <p class="review-due">${left === null ? '' : left > 0 ? `Goes to the officers unconfirmed in ${left} s` : 'Going to the officers unconfirmed now'}</p>
    <button type="button" class="btn btn-primary" disabled=${!!busy}
      onClick=${() => decide('confirm', 'Confirmed; officers dispatched')}>${busy === 'confirm' ? 'Confirming…' : 'Confirm match'}</button>
    <${ConfirmButton} label="Reject" confirm="Not this person?" disabled=${!!busy}
      onConfirm=${() => decide('reject', 'Rejected as a false positive')} />
  </div>`;
}

/** An open alert's actions for those who attend: acknowledge, resolve with what happened, or mark a false positive. */
function AttendActions(props: { alert: Alert; title: string }) {
  const a = props.alert;
  const { busy, run } = useAlertAction(a.id);
  const [resolving, setResolving] = useState(false);
  const act = (action: 'acknowledge' | 'resolve' | 'false-positive', label: string, body: object = {}) =>
    run(action, body, `${label}: ${props.title}`, `Could not ${label.toLowerCase()}`);
  return html`<div class="actions">
    ${
      a.state === 'new' &&
      html`<button type="button" class="btn btn-primary" disabled=${!!busy}
        onClick=${() => act('acknowledge', 'Acknowledged')}>${busy === 'acknowledge' ? 'Acknowledging…' : 'Acknowledge'}</button>`
    }
    ${
      resolving
        ? html`<fieldset class="outcomes"><legend>What happened?</legend>
        ${OUTCOMES.map(
          ([outcome, label]) =>
            html`<button type="button" class="btn" disabled=${!!busy}
              onClick=${() => act('resolve', `Resolved (${label.toLowerCase()})`, { outcome })}>${label}</button>`,
        )}
        <button type="button" class="btn btn-quiet" onClick=${() => setResolving(false)}>Cancel</button>
      </fieldset>`
        : html`<button type="button" class="btn" disabled=${!!busy} onClick=${() => setResolving(true)}>Resolve</button>`
    }
    <${ConfirmButton} label="False positive" confirm=${a.kind === 'match' ? 'Not this person?' : 'A false alarm?'} disabled=${!!busy}
      onConfirm=${() => act('false-positive', 'Marked false positive')} />
  </div>`;
}

/** A match's pictures: the camera still, the face seen beside the enrolled photo, and the event clip. */
function MatchEvidence(props: { alert: Alert; detail: AlertDetail | null; title: string }) {
  const { can } = useApp();
  const { alert: a, detail, title } = props;
  // The still as recorded shows bystanders: roles that may not see it get its redacted copy once it is made.
  const originals = can('readOriginalStills');
  const snapshot = originals
    ? (evidencePath(detail, 'snapshot') ?? evidencePath(detail, 'snapshot_redacted'))
    : evidencePath(detail, 'snapshot_redacted');
  return html`<div class="evidence">
    <figure class="evidence-snapshot">
      <${AuthImage} class="snapshot-img" path=${snapshot} alt=${`Camera snapshot: ${title}`}
        empty=${detail ? (originals ? 'No snapshot' : 'No redacted snapshot yet') : 'Loading…'} />
    </figure>
    <div class="evidence-faces">
      <figure class="evidence-face">
        <${AuthImage} class="face-img" path=${evidencePath(detail, 'face_crop')} alt=${`Face seen on camera`} empty=${detail ? 'No face crop' : 'Loading…'} />
        <figcaption>Seen</figcaption>
      </figure>
      <${EnrolledPhoto} perpetratorId=${a.perpetratorId} name=${title} />
    </div>
    ${detail && html`<${ClipPlayer} alertId=${a.id} evidence=${detail.evidence} title=${title} />`}
  </div>`;
}

type Delivery = AlertDetail['deliveries'][number];

/** What a recipient's webhook did: delivered when, or still being retried (and since when the alarm is up). */
function deliveryState(d: Delivery, now: number): string {
  if (d.status === 'delivered') return `delivered ${d.deliveredAt ? clockTime(d.deliveredAt, now) : ''}`;
  if (d.status === 'skipped') return `not sent: ${d.lastError ?? 'skipped'}`;
  if (d.status === 'failed') return `failed: ${d.lastError ?? 'gave up'}`;
  if (d.attempts === 0) return 'sending…';
  const why = d.lastError ?? (d.lastStatus ? `receiver answered ${d.lastStatus}` : 'no answer');
  return `not delivered after ${d.attempts} attempts (${why}), retrying${d.alarmedAt ? ` · ALARM since ${clockTime(d.alarmedAt, now)}` : ''}`;
}

/** Each recipient's delivery of the alert's first push (escalations add recipients). */
function Deliveries(props: { deliveries: Delivery[]; now: number }) {
  if (!props.deliveries.length) return null;
  return html`<div><dt>Delivery</dt><dd><ul class="deliveries">
    ${props.deliveries.map(
      (
        d,
      ) => html`<li key=${d.id} class=${`delivery delivery-${d.status} ${d.alarmedAt && d.status === 'pending' ? 'delivery-alarm' : ''}`}
        data-delivery-status=${d.status} title=${`delivery ${d.id} · ${d.event}`}>
        <span class="recipient">${d.officerName ?? d.officerId}${d.officerBadge ? ` (${d.officerBadge})` : ''}</span>: ${deliveryState(d, props.now)}
      </li>`,
    )}
  </ul></dd></div>`;
}

/** The alert's facts: match strength, camera, case, when, why, each recipient's delivery, outcome and last action. */
function AlertFacts(props: {
  alert: Alert;
  detail: AlertDetail | null;
  cameras: Camera[] | null;
  cases: Case[] | null;
  now: number;
}) {
  const { alert: a, detail } = props;
  const kase = props.cases?.find((c) => c.id === a.caseId);
  const details = a.details as { reason?: string; lastFrameAt?: number | null; location?: string };
  // The pipeline's own 'created' entry says nothing a person needs; show the last human (or camera) action.
  const lastAction = detail?.actions.filter((x) => x.action !== 'created').at(-1);
  return html`<dl class="facts">
    ${
      a.kind === 'match' &&
      a.distance !== null &&
      html`<div><dt>Match</dt><dd>${
        a.evidence && html`<span class=${`score score-${a.evidence.strength}`}>${a.evidence.strength}</span> `
      }distance ${a.distance.toFixed(3)}${a.evidence && `, ${evidenceText(a.evidence)}`}</dd></div>`
    }
    ${
      a.kind !== 'camera_offline' &&
      html`<div><dt>Camera</dt><dd
      title=${cameraName(a.cameraId, props.cameras)}>${cameraName(a.cameraId, props.cameras)}</dd></div>`
    }
    ${
      a.caseId &&
      html`<div><dt>Case</dt><dd
      title=${kase ? `${kase.victimRef} · ${kase.residence}` : a.caseId}>${kase ? `${kase.victimRef} · ${kase.residence}` : a.caseId}</dd></div>`
    }
    ${
      a.kind === 'match' &&
      html`<div><dt>Seen</dt><dd>${clockTime(a.firstSeen, props.now)}${
        a.lastSeen !== a.firstSeen ? `–${clockTime(a.lastSeen, props.now)}` : ''
      }${a.eventCount > 1 ? ` · ${a.eventCount} sightings` : ''}</dd></div>`
    }
    ${
      a.kind === 'camera_offline' &&
      html`<div><dt>Last frame</dt><dd>${
        details.lastFrameAt
          ? `${clockTime(details.lastFrameAt, props.now)} (${ago(details.lastFrameAt, props.now)})`
          : 'never'
      }</dd></div>`
    }
    ${details.reason && html`<div><dt>Reason</dt><dd>${details.reason}</dd></div>`}
    ${detail && html`<${Deliveries} deliveries=${detail.deliveries} now=${props.now} />`}
    ${a.outcome && html`<div><dt>Outcome</dt><dd>${OUTCOME_LABEL[a.outcome] ?? a.outcome}</dd></div>`}
    ${
      lastAction &&
      html`<div><dt>${ACTION_LABEL[lastAction.action] ?? lastAction.action}</dt><dd>${lastAction.actorName} at ${clockTime(
        lastAction.at,
        props.now,
      )}</dd></div>`
    }
  </dl>`;
}

/** One alert with its evidence and the actions the role may take. */
export function AlertCard(props: {
  alert: Alert;
  fresh: boolean;
  cameras: Camera[] | null;
  cases: Case[] | null;
  now: number;
}) {
  const { can } = useApp();
  const a = props.alert;
  const detail = useAlertDetail(a);
  const title = alertTitle(a, props.cameras);
  const open = a.state === 'new' || a.state === 'acknowledged';
  const ringing = a.state === 'new' || a.state === 'pending_review';
  return html`<article class=${`alert-card kind-${a.kind} state-${a.state} ${props.fresh && ringing ? 'fresh' : ''}`}
    aria-labelledby=${`alert-${a.id}-title`} data-alert-id=${a.id} data-state=${a.state}>
    <header class="alert-head">
      <span class=${`state-pill pill-${a.state}`}>${STATE_LABEL[a.state] ?? a.state}</span>
      <span class="kind">${KIND_LABEL[a.kind] ?? a.kind}</span>
      ${a.escalationLevel > 0 && html`<span class="escalated">Escalated ×${a.escalationLevel}</span>`}
      <time class="when" datetime=${new Date(a.lastSeen).toISOString()} title=${new Date(a.lastSeen).toLocaleString()}>
        ${clockTime(a.lastSeen, props.now)} · ${ago(a.lastSeen, props.now)}
      </time>
    </header>
    <h3 id=${`alert-${a.id}-title`} class="alert-title" title=${title}>${title}</h3>
    ${
      a.flags.length > 0 &&
      html`<ul class="flags">${a.flags.map((f) => html`<li key=${f} class=${`flag flag-${f}`} data-flag=${f}>${FLAG_LABEL[f] ?? f}</li>`)}</ul>`
    }
    ${a.kind === 'match' && html`<${MatchEvidence} alert=${a} detail=${detail} title=${title} />`}
    ${
      a.kind !== 'match' &&
      detail?.evidence.some((e) => e.kind.startsWith('clip')) &&
      html`<div class="evidence"><${ClipPlayer} alertId=${a.id} evidence=${detail.evidence} title=${title} /></div>`
    }
    <${AlertFacts} alert=${a} detail=${detail} cameras=${props.cameras} cases=${props.cases} now=${props.now} />
    ${a.state === 'pending_review' && can('reviewAlerts') && html`<${ReviewActions} alert=${a} title=${title} now=${props.now} />`}
    ${open && can('actOnAlerts') && html`<${AttendActions} alert=${a} title=${title} />`}
  </article>`;
}
