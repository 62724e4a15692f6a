import { useApp } from '../app-context.js';
import { needsAttention } from '../camera-state.js';
import { AlertCard, alertTitle, OUTCOME_LABEL } from '../components/alert-card.js';
import { clockTime } from '../format.js';
import { html } from '../html.js';
import { useCases } from '../lookups.js';
import { useStore, useTick } from '../store.js';
import type { Alert } from '../types.js';

const CLOSED_SHOWN = 30;

/**
 * The live feed, ordered by what needs a person now: new alerts first (largest,
 * with evidence), then those someone is handling, then a compact closed list.
 */
/** A closed alert's pill: false positive, or resolved with what happened. */
const closedLabel = (a: Alert) =>
  a.state === 'false_positive' ? 'False positive' : a.outcome ? `Resolved: ${OUTCOME_LABEL[a.outcome]}` : 'Resolved';

export function AlertsScreen() {
  const { feed, cameras, can } = useApp();
  const alerts = useStore(feed.alerts);
  const fresh = useStore(feed.fresh);
  const stream = useStore(feed.state);
  const cams = useStore(cameras);
  const cases = useCases();
  const now = useTick(5000);

  const arrivedFirst = (a: Alert, b: Alert) => (fresh.get(b.id) ?? 0) - (fresh.get(a.id) ?? 0);
  // Person-at-the-door and SOS before camera outages; within a group newest first.
  // Matches awaiting the control room's decision lead: nobody is sent until they are decided.
  const urgency = (a: Alert) => (a.state === 'pending_review' ? -1 : a.kind === 'camera_offline' ? 1 : 0);
  const attention = needsAttention(alerts, can('reviewAlerts')).sort(
    (a, b) => urgency(a) - urgency(b) || arrivedFirst(a, b) || b.lastSeen - a.lastSeen,
  );
  const handling = alerts.filter((a) => a.state === 'acknowledged');
  const closed = alerts.filter((a) => a.state === 'resolved' || a.state === 'false_positive').slice(0, CLOSED_SHOWN);
  const card = (a: Alert) =>
    html`<${AlertCard} key=${a.id} alert=${a} fresh=${fresh.has(a.id)} cameras=${cams} cases=${cases} now=${now} />`;

  return html`<div class="screen alerts-screen">
    <section class="band band-attention" aria-labelledby="h-new">
      <h2 id="h-new">Needs attention now <span class="count">${attention.length}</span></h2>
      ${
        attention.length
          ? html`<div class="alert-list">${attention.map(card)}</div>`
          : html`<p class="all-clear">${
              stream.state === 'live'
                ? 'Nothing needs attention. The feed is live: new alerts appear here at once, with a sound.'
                : 'No open alerts loaded. The live feed is not connected: see the status at the top.'
            }</p>`
      }
    </section>
    <section class="band" aria-labelledby="h-ack">
      <h2 id="h-ack">Being handled <span class="count">${handling.length}</span></h2>
      ${handling.length ? html`<div class="alert-list alert-list-compact">${handling.map(card)}</div>` : html`<p class="empty">None.</p>`}
    </section>
    <section class="band" aria-labelledby="h-closed">
      <h2 id="h-closed">Closed recently</h2>
      ${
        closed.length
          ? html`<ul class="closed-list">
            ${closed.map(
              (a) => html`<li key=${a.id} data-alert-id=${a.id} data-state=${a.state}>
                <span class=${`state-pill pill-${a.state}`}>${closedLabel(a)}</span>
                <span class="closed-title" title=${alertTitle(a, cams)}>${alertTitle(a, cams)}</span>
                <time>${clockTime(a.updatedAt, now)}</time>
              </li>`,
            )}
          </ul>`
          : html`<p class="empty">None.</p>`
      }
    </section>
  </div>`;
}
