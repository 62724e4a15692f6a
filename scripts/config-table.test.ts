import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEGIN, configRows, configTable, END, README } from './config-table.js';

describe('README configuration table', () => {
  it('says what every config key does', () => {
    expect(
      configRows()
        .filter((r) => !r.text)
        .map((r) => r.key),
    ).toEqual([]);
  });

  it('is the table generated from the schema (run `npm run docs:config` after changing pipeline/config)', () => {
    const readme = readFileSync(README, 'utf8');
    const block = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END) + END.length);
    expect(block).toBe(configTable());
  });

  it('lists sections, array items and model families with their defaults', () => {
    const byKey = new Map(configRows().map((r) => [r.key, r]));
    expect(byKey.get('ingest.fps')?.default).toBe('5');
    expect(byKey.get('cameras[].url')?.text).toMatch(/rtsp/);
    expect(byKey.get('models.personDetector')?.text).toMatch(/Families: centernet \(wideInput\); yolo \(path/);
    expect(byKey.get('redisUrl')?.default).toBe('unset');
  });
});
