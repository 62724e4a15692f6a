import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { fixture } from '../../fixtures/index.js';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../../runtime/embedded-redis.js';
import { startRtspPublisher, startRtspServer, type RtspPublisher, type RtspServer } from '../../runtime/rtsp-server.js';
import { WorkerProcess } from '../e2e/worker-process.js';
import { until } from '../until.js';
import { startOutageReceiver, type OutageReceiver } from './outage-receiver.js';

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const walkIn = fixture('enrolled-walk-in');
export const LOOP_MS = walkIn.truth().durationSec * 1000;

/** The stack's Redis key prefix. */
export const PREFIX = 'wpf';

export type Role = 'api' | 'alerts' | 'ingest' | 'detect' | 'identify';

/** How many processes of each role run: one spare where a role can have one (the deployment this tests). */
export const REPLICAS: Record<Role, number> = { api: 1, alerts: 1, ingest: 2, detect: 2, identify: 2 };

export interface StackOptions {
  cameras: number;
  /** Config overrides (YAML keys) on top of the suite's. */
  config?: Record<string, unknown>;
  /** How long a killed process stays down before its supervisor restarts it. */
  restartDelayMs?: number;
  /** Where stop() writes every process's log lines (one JSON-lines file per process), for a look afterwards. */
  logDir?: string;
}

/** One process slot: a supervisor restarts whatever runs in it after a kill. */
interface Slot {
  role: Role;
  index: number;
  proc: WorkerProcess;
  /** Every process that ran in this slot (for logs). */
  history: WorkerProcess[];
}

/**
 * The deployment under fault: a Redis with its append-only file (so it can be
 * stopped and restarted like a real one), an RTSP server with cameras looping the
 * enrolled walk-in (each camera half a loop after the previous), a webhook receiver
 * that can go away, and every role as its own `watchpost` process: the API hosting
 * an alerts worker, a standalone alerts worker, two each of ingest, detect and identify.
 * Set-up goes through the public API, as an operator's would.
 */
export class FaultStack {
  readonly dir = mkdtempSync(join(tmpdir(), 'wp-faults-'));
  readonly cameraIds: string[];
  /** Wall-clock time each camera's publisher started: loop k plays from publishedAt + k x LOOP_MS. */
  readonly publishedAt = new Map<string, number>();
  readonly slots: Slot[] = [];
  receiver!: OutageReceiver;
  apiUrl = '';
  adminKey = '';
  private redis: EmbeddedRedis | null = null;
  private redisPort = 0;
  private readonly redisDir = join(this.dir, 'redis');
  private rtsp!: RtspServer;
  private readonly publishers: RtspPublisher[] = [];
  private env: Record<string, string> = {};
  private apiPort = 0;

  constructor(private readonly opts: StackOptions) {
    this.cameraIds = Array.from({ length: opts.cameras }, (_, i) => `door-${String.fromCharCode(97 + i)}`);
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.redisDir, { recursive: true });
    this.redisPort = await freePort();
    await this.startRedis();
    this.rtsp = await startRtspServer();
    this.receiver = await startOutageReceiver();
    const configFile = join(this.dir, 'watchpost.yaml');
    writeFileSync(
      configFile,
      stringify({
        log: { format: 'json' },
        models: { instances: 1, cacheDir: join(projectDir, 'data', 'models') },
        // 5 s as in the run: an appearance every loop (20 s) is an alert of its own.
        // No operator review before dispatch: the suite measures the machinery, not a person.
        alerts: { cooldownSeconds: 5, allowInsecureWebhooks: true, review: 'off' },
        ...this.opts.config,
      }),
    );
    this.env = {
      REDIS_URL: this.redisUrl,
      WATCHPOST_CONFIG: configFile,
      WATCHPOST_DATA_DIR: join(this.dir, 'data'),
      WATCHPOST_REDIS_PREFIX: PREFIX,
    };
    this.adminKey = this.createAdminKey();
    this.apiPort = await freePort();
    this.apiUrl = `http://127.0.0.1:${this.apiPort}`;
    await this.launch('api', 0).ready();
    await until('the API ready', async () => (await fetch(`${this.apiUrl}/readyz`)).ok, 60_000, 250);
    await this.setUpCase();
    // Cameras stream before the pipeline starts, so the first frames arrive as soon as ingest does.
    for (const [i, id] of this.cameraIds.entries()) {
      if (i) await new Promise((r) => setTimeout(r, LOOP_MS / this.cameraIds.length));
      this.publishedAt.set(id, Date.now());
      this.publishers.push(startRtspPublisher({ file: walkIn.video, url: this.rtsp.publishUrl(id), loop: true }));
    }
    const rest = (['alerts', 'ingest', 'detect', 'identify'] as const).flatMap((role) =>
      Array.from({ length: REPLICAS[role] }, (_, i) => this.launch(role, i)),
    );
    await Promise.all(rest.map((p) => p.ready(180_000)));
  }

  private launch(role: Role, index: number): WorkerProcess {
    // A stable ingest name per slot: its restart takes its cameras straight back (ingest.workerId).
    const env = role === 'ingest' ? { ...this.env, WATCHPOST__INGEST__WORKER_ID: `ingest-${index}` } : this.env;
    const proc = new WorkerProcess(role, env, this.apiPort);
    const slot = this.slots.find((s) => s.role === role && s.index === index);
    if (slot) {
      slot.proc = proc;
      slot.history.push(proc);
    } else this.slots.push({ role, index, proc, history: [proc] });
    return proc;
  }

  /** The process in a role's first slot. */
  process(role: Role, index = 0): WorkerProcess {
    return this.slots.find((s) => s.role === role && s.index === index)!.proc;
  }

  /** SIGKILLs a process; its supervisor starts a new one after restartDelayMs. Resolves when it is back. */
  async kill(role: Role, index = 0): Promise<void> {
    await this.process(role, index).stop('SIGKILL');
    await new Promise((r) => setTimeout(r, this.opts.restartDelayMs ?? 5000));
    await this.launch(role, index).ready(180_000);
  }

  /** Stops Redis (SIGTERM, it writes its AOF) for `downMs`, then starts it on the same port and file. */
  async redisOutage(downMs: number): Promise<void> {
    await this.redis?.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.startRedis();
  }

  private async startRedis(): Promise<void> {
    // Later arguments win: our own folder (stop() removes only the server's temporary one) and an fsync'd AOF.
    this.redis = await startEmbeddedRedis({
      port: this.redisPort,
      args: ['--dir', this.redisDir, '--appendonly', 'yes', '--appendfsync', 'everysec'],
    });
  }

  private createAdminKey(): string {
    const out = execFileSync(
      process.execPath,
      [join(projectDir, 'bin', 'watchpost.js'), 'keys', 'create', '--role', 'admin', '--name', 'fault suite'],
      { cwd: projectDir, env: { ...process.env, ...this.env, LOG_FORMAT: 'json' }, encoding: 'utf8' },
    );
    return out.trim().split('\n').at(-1)!;
  }

  async api<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** An officer on duty with the receiver as webhook, the fixture's perpetrator, a case holding every camera. */
  private async setUpCase(): Promise<void> {
    const officer = await this.api<{ id: string }>('POST', '/v1/officers', {
      name: 'Officer on duty',
      badge: 'F-1',
      district: 'faults',
      webhookUrl: `${this.receiver.url}/hook`,
    });
    await this.api('POST', '/v1/shifts', {
      officerId: officer.id,
      startsAt: Date.now() - 60_000,
      endsAt: Date.now() + 12 * 3600_000,
    });
    const perpetratorIds: string[] = [];
    for (const name of readdirSync(walkIn.gallery).sort()) {
      const p = await this.api<{ id: string }>('POST', '/v1/perpetrators', { name });
      for (const photo of readdirSync(join(walkIn.gallery, name)).sort())
        await this.api(
          'POST',
          `/v1/perpetrators/${p.id}/photos`,
          readFileSync(join(walkIn.gallery, name, photo)),
          'application/octet-stream',
        );
      perpetratorIds.push(p.id);
    }
    const kase = await this.api<{ id: string }>('POST', '/v1/cases', {
      victimRef: 'FAULTS-1',
      residence: 'Fault suite residence',
      district: 'faults',
      riskLevel: 'very_high',
      perpetratorIds,
      windowEnd: Date.now() + 7 * 24 * 3600_000,
    });
    for (const id of this.cameraIds)
      await this.api('POST', '/v1/cameras', { id, name: id, url: this.rtsp.url(id), caseId: kase.id });
  }

  /** Every alert the API holds, oldest first. */
  async alerts(): Promise<AlertRow[]> {
    const all: AlertRow[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: { items: AlertRow[]; nextCursor: string | null } = await this.api('GET', `/v1/alerts?limit=200${q}`);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Waits until every camera has delivered a frame (ingest reads, the pipeline can see). */
  async streaming(timeoutMs = 60_000): Promise<void> {
    await until(
      'every camera streaming',
      async () => {
        const page = await this.api<{ items: { id: string; status?: { state?: string } }[] }>('GET', '/v1/cameras');
        return page.items.every((c) => c.status?.state === 'streaming');
      },
      timeoutMs,
      500,
    );
  }

  private writeLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    for (const s of this.slots)
      for (const [i, p] of s.history.entries())
        writeFileSync(join(dir, `${s.role}-${s.index}.${i}.jsonl`), p.logs.map((l) => JSON.stringify(l)).join('\n'));
  }

  /** Everything any process of the stack logged that is not JSON (LOG_FORMAT=json promises none). */
  notJson(): string[] {
    return this.slots.flatMap((s) => s.history.flatMap((p) => p.notJson.map((l) => `${s.role}: ${l}`)));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.slots.map((s) => s.proc.stop('SIGKILL')));
    if (this.opts.logDir) this.writeLogs(this.opts.logDir);
    await Promise.allSettled(this.publishers.map((p) => p.stop('SIGKILL')));
    await this.rtsp?.stop();
    await this.receiver?.close();
    await this.redis?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface AlertRow {
  id: string;
  kind: string;
  cameraId: string | null;
  firstSeen: number;
  lastSeen: number;
  eventCount: number;
  createdAt: number;
}
