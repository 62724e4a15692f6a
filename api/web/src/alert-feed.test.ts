import { describe, expect, it } from 'vitest';
import { alertOfMessage } from './alert-feed.js';

describe('alertOfMessage', () => {
  const alert = { id: 'alr_1', state: 'new', kind: 'match' };
  it('takes the alert from the API journal payload {type, alert} or a bare alert', () => {
    expect(
      alertOfMessage({
        event: 'alert.created',
        data: JSON.stringify({ type: 'alert.created', alert }),
        lastEventId: '3',
      }),
    ).toEqual(alert);
    expect(alertOfMessage({ event: 'message', data: JSON.stringify(alert), lastEventId: '' })).toEqual(alert);
  });
  it('ignores anything that is not an alert', () => {
    expect(alertOfMessage({ event: 'message', data: 'not json', lastEventId: '' })).toBeNull();
    expect(alertOfMessage({ event: 'ping', data: '{"ok":true}', lastEventId: '' })).toBeNull();
  });
});
