import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database/database.js';
import { OfficerRepository } from '../storage/repositories/officer.repository.js';
import { responderRow } from '../test/factories/api.factory.js';

const bin = new URL('../bin/watchpost.js', import.meta.url).pathname;
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });

describe('watchpost CLI', () => {
  it('lists every subcommand in --help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const cmd of ['demo', 'api', 'worker', 'models', 'detect', 'enroll', 'replay', 'bench', 'keys']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    }
  });

  it('explains each subcommand with --help', () => {
    for (const args of [
      ['demo'],
      ['api'],
      ['worker'],
      ['models', 'prepare'],
      ['detect'],
      ['enroll'],
      ['replay'],
      ['bench'],
      ['keys', 'create'],
    ]) {
      const r = run([...args, '--help']);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: watchpost /m);
    }
  });

  it('exits 2 with a message on an unknown command or option', () => {
    const unknown = run(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const badOption = run(['detect', '--no-such-flag', 'x.jpg']);
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toMatch(/unknown option/);
    const badRole = run(['worker', 'painter']);
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toMatch(/unknown worker role 'painter'/);
  });

  it('refuses an invalid config value, naming the key, with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'ingest:\n  fps: "fast"\n');
    const r = run(['--config', file, 'worker', 'ingest']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ingest\.fps/);
    const env = run(['worker', 'ingest'], { WATCHPOST__MODELS__FACE_EMBEDDER__MATCH_THRESHOLD: '-1' });
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/models\.faceEmbedder\.matchThreshold/);
  });

  it('names the Debian package when redis-server is missing', () => {
    const r = run(['demo'], { REDIS_URL: '', REDIS_SERVER_PATH: '/nonexistent/redis-server' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/redis-server is not installed/);
    expect(r.stderr).toMatch(/apt-get install -y redis-server/);
  });

  it('creates an officer key only for an officer record, and says whom it acts as', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wp-cli-keys-'));
    const env = { WATCHPOST_DATA_DIR: dataDir, DATABASE_URL: '' };
    const loose = run(['keys', 'create', '--role', 'officer', '--name', 'PC Loose'], env);
    expect(loose.status).toBe(2);
    expect(loose.stderr).toMatch(/--officer <officerId> is required/);
    const unknown = run(['keys', 'create', '--role', 'officer', '--officer', 'off_nobody'], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown officer id: off_nobody/);
    const { db, close } = await openDatabase({ dataDir, databaseUrl: undefined });
    const officer = responderRow({ name: 'PC Jones', district: 'north' });
    await new OfficerRepository(db).insert(officer);
    await close();
    const made = run(['keys', 'create', '--role', 'officer', '--officer', officer.id], env);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain(`created officer key 'PC Jones'`);
    expect(made.stdout).toContain(`acting as officer ${officer.id}`);
  });
});
