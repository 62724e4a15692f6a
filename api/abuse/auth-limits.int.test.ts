import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../../test/api-fixture.js';
import { caseInput } from '../../test/factories/api.factory.js';
import { until } from '../../test/until.js';
import { DEFAULT_AUTH_FAILURE_LIMITS } from '../http/auth-limiter.js';

/**
 * Failed authentications are limited per address and per presented key, and a valid key is
 * never refused for them. Addresses are told apart by X-Forwarded-For (the API trusts its
 * loopback proxy, as behind a reverse proxy in production).
 */
let api: ApiFixture;
let caseId: string;
let sosToken: string;

beforeAll(async () => {
  api = await startApiFixture('auth-limits', { server: { authFailures: DEFAULT_AUTH_FAILURE_LIMITS } });
  const c = await api.call('POST', '/v1/cases', { json: caseInput() });
  caseId = c.body.id;
  sosToken = c.body.sosToken;
});
afterAll(() => api?.close());

const from = (address: string) => ({ 'x-forwarded-for': address });

describe('failed-authentication limits', () => {
  it('lets an officer raise SOS from an address that just failed 100 logins', async () => {
    const nat = from('198.51.100.7');
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++)
      statuses.push((await api.call('GET', '/v1/alerts', { key: `wp_wrong_${i}`, headers: nat })).status);
    const limit = DEFAULT_AUTH_FAILURE_LIMITS.perAddress;
    expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(limit).every((s) => s === 429)).toBe(true);
    const limited = await api.call('GET', '/v1/alerts', { key: 'wp_still_wrong', headers: nat });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    const sos = await api.call('POST', `/v1/cases/${caseId}/sos`, {
      key: api.keys.officer,
      headers: nat,
      json: { message: 'officer at the door' },
    });
    expect(sos.status).toBe(201);
    expect(sos.body.alert.kind).toBe('sos');
    const victim = await api.call('POST', `/v1/cases/${caseId}/sos`, { key: sosToken, headers: nat, json: {} });
    expect([200, 201]).toContain(victim.status);
    expect((await api.call('GET', '/v1/alerts', { key: api.keys.operator, headers: nat })).status).toBe(200);
  });

  it('limits a key that keeps failing, from whatever address, without touching others there', async () => {
    const revoked = 'wp_revoked_key_of_a_misconfigured_client';
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_AUTH_FAILURE_LIMITS.perKey + 2; i++)
      statuses.push(
        (await api.call('GET', '/v1/alerts', { key: revoked, headers: from(`203.0.113.${i + 1}`) })).status,
      );
    expect(statuses.filter((s) => s === 401)).toHaveLength(DEFAULT_AUTH_FAILURE_LIMITS.perKey);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    // The same addresses, another (wrong) key: each address has failed once, far under its limit.
    expect((await api.call('GET', '/v1/alerts', { key: 'wp_other', headers: from('203.0.113.1') })).status).toBe(401);
    expect((await api.call('GET', '/v1/alerts', { key: api.keys.analyst, headers: from('203.0.113.1') })).status).toBe(
      200,
    );
  });

  it('backs off for a short window only', async () => {
    const quick = await startApiFixture('auth-backoff', {
      server: { authFailures: { perAddress: 2, perKey: 100, windowMs: 1000 } },
    });
    try {
      const wrong = () => quick.call('GET', '/v1/alerts', { key: `wp_x${Math.random()}` });
      expect([(await wrong()).status, (await wrong()).status, (await wrong()).status]).toEqual([401, 401, 429]);
      await until('the back-off to end', async () => (await wrong()).status === 401, 5000, 250);
    } finally {
      await quick.close();
    }
  });
});
