import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../cli/program.js';
import { loadConfig } from '../runtime/config.js';
import { WORKER_ROLES } from '../workers/roles.js';

/**
 * Docker cannot run on the CI machine, so the deployment files are checked
 * statically: the services a production install needs exist, and every
 * container command is a real CLI command with real options.
 */
const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<
    string,
    {
      command?: string[];
      image?: string;
      build?: unknown;
      healthcheck?: unknown;
      deploy?: { replicas?: number };
      volumes?: string[];
      environment?: Record<string, string>;
    }
  >;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');

/** Resolves argv against the command tree; returns the problems found. */
function checkCommand(argv: string[]): string[] {
  const problems: string[] = [];
  let cmd: Command = buildProgram();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token.startsWith('--')) {
      const option = cmd.options.find((o) => o.long === token);
      if (!option) problems.push(`'${cmd.name()}' has no option ${token}`);
      else if (option.required || option.optional) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === token);
    if (sub) cmd = sub;
    else if (cmd.name() === 'worker' && !(WORKER_ROLES as readonly string[]).includes(token))
      problems.push(`unknown worker role ${token}`);
    else if (cmd.name() !== 'worker') problems.push(`'${cmd.name()}' has no subcommand ${token}`);
  }
  return problems;
}

describe('docker-compose.yml', () => {
  const services = compose.services;

  it('has redis with AOF and noeviction', () => {
    const cmd = services.redis?.command?.join(' ') ?? '';
    expect(cmd).toMatch(/--appendonly yes/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction/);
    expect(services.redis?.healthcheck).toBeDefined();
  });

  it('runs the api and each worker role as its own service, with health checks', () => {
    for (const name of ['api', ...WORKER_ROLES]) {
      expect(services[name], name).toBeDefined();
      expect(services[name]!.healthcheck, `${name} healthcheck`).toBeDefined();
    }
    expect(services.api!.command?.[0]).toBe('api');
    for (const role of WORKER_ROLES) expect(services[role]!.command?.slice(0, 2)).toEqual(['worker', role]);
  });

  it('scales detect and identify with replicas, and runs a second ingest worker for fail-over', () => {
    expect(services.detect!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services.identify!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services.ingest!.deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  it('keeps the database and evidence on volumes', () => {
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['postgres-data', 'redis-data', 'evidence']));
  });

  it("gives replay workers the API's uploaded footage at the path it queues them under, on one core each", () => {
    const footage = (name: string) =>
      services[name]!.volumes?.find((v) => v.startsWith('replay-footage:'))?.split(':')[1];
    expect(footage('api')).toBe('/data/replays');
    expect(footage('replay')).toBe(footage('api'));
    expect(loadConfig({ env: services.replay!.environment }).models.instances).toBe(1);
  });

  it('gives the retention worker the evidence and replay volumes as the API mounts them (it deletes their files)', () => {
    for (const vol of ['evidence:', 'replay-footage:'])
      expect(services.retention!.volumes?.find((v) => v.startsWith(vol))).toBe(
        services.api!.volumes?.find((v) => v.startsWith(vol)),
      );
  });

  it('uses only commands and options the CLI has', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (!svc.build && svc.image !== 'watchpost:latest') continue;
      expect(checkCommand(svc.command ?? []), name).toEqual([]);
    }
  });

  it('sets only configuration keys that exist, with valid values', () => {
    for (const [name, svc] of Object.entries(services)) {
      const env = Object.fromEntries(
        Object.entries(svc.environment ?? {}).filter(([k]) => k.startsWith('WATCHPOST__')),
      );
      expect(() => loadConfig({ env }), name).not.toThrow();
    }
    expect(loadConfig({ env: services.detect!.environment }).models.instances).toBe(2);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage on Node 22 LTS and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM node:22/m);
    expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
  });

  it('installs ffmpeg in the runtime image and never downloads onnxruntime binaries', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/apt-get install[^\n]*ffmpeg/);
    expect(dockerfile).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip/);
  });
});
