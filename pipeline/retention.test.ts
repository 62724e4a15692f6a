import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { retentionSchema } from './config/retention.js';
import { retentionCutoffs, retentionPolicy } from './retention.js';

const DAY = 86_400_000;
const defaults = retentionSchema.parse({});
const policy = retentionPolicy(defaults, 30, 30);

describe('retention policy', () => {
  it('counts each lifetime back from now, in days', () => {
    const now = 1_900_000_000_000;
    const c = retentionCutoffs({ ...defaults, falsePositiveDays: 7, auditDays: 400 }, now);
    expect(c.falsePositive).toBe(now - 7 * DAY);
    expect(c.audit).toBe(now - 400 * DAY);
    expect(c.resolved).toBe(now - defaults.resolvedDays * DAY);
  });

  it('keeps false positives shortest and true sightings longer than a closed case’s open alerts', () => {
    expect(defaults.falsePositiveDays).toBeLessThan(defaults.closedCaseDays);
    expect(defaults.closedCaseDays).toBeLessThan(defaults.resolvedDays);
  });

  it('has a row for every lifetime key, and the README’s one table states each', () => {
    const lifetimes = Object.keys(retentionSchema.shape).filter((k) => k !== 'purgeEverySeconds' && k !== 'batchSize');
    const keys = policy.map((r) => r.configKey);
    for (const k of lifetimes) expect(keys).toContain(`retention.${k}`);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('### Retention'));
    for (const k of keys.filter(Boolean)) expect(table, k!).toContain(`\`${k}\``);
  });
});
