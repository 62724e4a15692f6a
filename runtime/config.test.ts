import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { configuredRedis, parseRedisTarget } from './redis.js';

const yamlFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'wp-cfg-')), 'watchpost.yaml');
  writeFileSync(file, text);
  return file;
};

describe('loadConfig', () => {
  it('gives every key a default', () => {
    const cfg = loadConfig({ env: {} });
    expect(cfg.ingest.fps).toBe(5);
    expect(cfg.identify.votesK).toBe(2);
    expect(cfg.models.personDetector).toEqual({ family: 'centernet', wideInput: true });
  });

  it('layers file < named env < generic env', () => {
    const file = yamlFile('ingest:\n  fps: 2\nidentify:\n  votesK: 3\n');
    const cfg = loadConfig({ file, env: { REDIS_URL: 'redis://10.0.0.1:6379', WATCHPOST__IDENTIFY__VOTES_K: '4' } });
    expect(cfg.ingest.fps).toBe(2);
    expect(cfg.identify.votesK).toBe(4);
    expect(cfg.redisUrl).toBe('redis://10.0.0.1:6379');
  });

  it('connects through Sentinel or a Cluster when their addresses are set, and refuses two Redis at once', () => {
    const env = { REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379', REDIS_SENTINEL_NAME: 'wp' };
    const sentinel = loadConfig({ env });
    expect(configuredRedis(sentinel)).toBe('sentinel:wp@10.0.0.1:26379, 10.0.0.2:26379');
    expect(parseRedisTarget(configuredRedis(sentinel) ?? '')).toEqual({
      kind: 'sentinel',
      name: 'wp',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
    });
    const cluster = loadConfig({ env: { REDIS_CLUSTER_NODES: 'a:7000,b:7001' } });
    expect(parseRedisTarget(configuredRedis(cluster) ?? '')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
    expect(() => loadConfig({ env: { REDIS_SENTINELS: '10.0.0.1:26379' } })).toThrowError(/REDIS_SENTINEL_NAME/);
    expect(() => loadConfig({ env: { REDIS_SENTINELS: '10.0.0.1', REDIS_SENTINEL_NAME: 'wp' } })).toThrowError(
      /host:port/,
    );
    expect(() => loadConfig({ env: { ...env, REDIS_URL: 'redis://x:6379' } })).toThrowError(/set one Redis/);
  });

  it('names the key of an invalid value', () => {
    const file = yamlFile('ingest:\n  fps: -3\n');
    expect(() => loadConfig({ file, env: {} })).toThrowError(/ingest\.fps/);
  });

  it('refuses unknown keys instead of silently using a default', () => {
    const file = yamlFile('identify:\n  matchTreshold: 0.4\n');
    expect(() => loadConfig({ file, env: {} })).toThrowError(ConfigError);
    expect(() => loadConfig({ file, env: {} })).toThrowError(/matchTreshold/);
  });

  it('validates cameras and model families as discriminated unions', () => {
    const file = yamlFile(
      'cameras:\n  - id: "front door"\n    url: rtsp://x\nmodels:\n  personDetector:\n    family: yolo\n',
    );
    const err = (() => {
      try {
        loadConfig({ file, env: {} });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/cameras\.0\.id/);
    expect(err?.message).toMatch(/models\.personDetector\.path/);
  });

  it('reports unreadable and non-YAML files', () => {
    expect(() => loadConfig({ file: '/nonexistent/watchpost.yaml', env: {} })).toThrowError(/cannot read/);
    expect(() => loadConfig({ file: yamlFile('a: [1,'), env: {} })).toThrowError(/not valid YAML/);
  });
});

describe('model families', () => {
  it('lets one key of a built-in family be set alone', () => {
    const cfg = loadConfig({ env: { WATCHPOST__MODELS__FACE_EMBEDDER__MATCH_THRESHOLD: '0.45' } });
    expect(cfg.models.faceEmbedder).toEqual({ family: 'faceapi', matchThreshold: 0.45 });
    expect(cfg.models.personDetector).toEqual({ family: 'centernet', wideInput: true });
  });
});
