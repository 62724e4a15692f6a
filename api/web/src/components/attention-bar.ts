import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { cameraState, needsAttention } from '../camera-state.js';
import { html } from '../html.js';
import { KeyExpiry } from './key-expiry.js';
import { useStore } from '../store.js';

const FEED_LABEL = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Feed refused',
} as const;

/**
 * What needs attention now, on every screen: new alerts, offline cameras, whether
 * the live feed is actually live (a silent dead feed is the worst failure here),
 * and whether sound is on. Also puts the count in the tab title.
 */
export function AttentionBar() {
  const { feed, cameras, sound, can } = useApp();
  const alerts = useStore(feed.alerts);
  const stream = useStore(feed.state);
  const cams = useStore(cameras);
  const [soundOn, setSoundOn] = useState(sound.enabled && sound.ready);

  const open = needsAttention(alerts, can('reviewAlerts'));
  const matches = open.filter((a) => a.kind !== 'camera_offline').length;
  const toReview = open.filter((a) => a.state === 'pending_review').length;
  // The camera page's own rule: a camera streaming again is not offline, whatever alert is still open.
  const offline = (cams ?? []).filter((c) => cameraState(c, alerts) === 'offline').length;

  // Right after sign-in the click has unlocked audio; after a reload it needs one more click.
  useEffect(() => {
    void sound.unlock().then((ok) => setSoundOn(sound.enabled && ok));
  }, []);
  useEffect(() => {
    document.title = `${open.length ? `(${open.length}) ` : ''}watchpost`;
  }, [open.length]);

  const toggleSound = async () => {
    if (soundOn) {
      sound.enabled = false;
      setSoundOn(false);
    } else {
      sound.enabled = true;
      setSoundOn(await sound.unlock());
    }
  };

  return html`<div class="attention" role="status" aria-live="polite" aria-label="Needs attention">
    <a href="#/alerts" class=${`chip ${matches ? 'chip-alarm' : 'chip-calm'}`}>
      <strong>${matches}</strong> new alert${matches === 1 ? '' : 's'}${toReview ? html`<span class="long"> (${toReview} to review)</span>` : ''}
    </a>
    ${
      can('readCameras') &&
      html`<a href="#/cameras" class=${`chip ${offline ? 'chip-warn' : 'chip-calm'}`}>
      <strong>${offline}</strong><span class="long"> camera${offline === 1 ? '' : 's'}</span> offline
    </a>`
    }
    <${KeyExpiry} />
    <span class=${`feed feed-${stream.state}`} title=${stream.detail ?? ''}><span class="dot" aria-hidden="true"></span>${FEED_LABEL[stream.state]}</span>
    <button type="button" class=${`btn btn-quiet sound ${soundOn ? '' : 'sound-off'}`} aria-pressed=${soundOn} onClick=${toggleSound}>
      ${soundOn ? 'Sound on' : 'Sound off'}
    </button>
  </div>`;
}
