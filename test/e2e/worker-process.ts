import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(projectDir, 'bin', 'watchpost.js');

const API_READY = 'watchpost API listening on';

/** One pino JSON log line of a worker process. */
export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

/**
 * `watchpost worker <role>` as its own OS process (the way it is deployed), with
 * JSON logs collected and its metrics server on a free port.
 */
export class WorkerProcess {
  readonly logs: LogLine[] = [];
  /** Output lines that are not JSON (stdout and stderr): under LOG_FORMAT=json there should be none. */
  readonly notJson: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  metricsPort: number | null = null;
  private readonly child: ChildProcess;
  private stderrTail = '';

  constructor(
    readonly role: 'ingest' | 'detect' | 'identify' | 'alerts' | 'replay' | 'api',
    env: Record<string, string>,
    /** For role 'api': the port it listens on (its metrics are served there too). */
    apiPort = 0,
  ) {
    const args = role === 'api' ? ['api', '--port', String(apiPort)] : ['worker', role, '--metrics-port', '0'];
    this.child = spawn(process.execPath, [cli, ...args], {
      cwd: projectDir,
      env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as LogLine;
          this.logs.push(entry);
          if (entry.msg === 'metrics at /metrics' && typeof entry.port === 'number') this.metricsPort = entry.port;
          if (typeof entry.msg === 'string' && entry.msg.startsWith(API_READY) && typeof entry.listen === 'string')
            this.metricsPort = Number(new URL(entry.listen).port);
        } catch {
          this.keepNotJson(line); // a library printing on its own
        }
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
      for (const line of d.toString().split('\n')) if (line.trim()) this.keepNotJson(line);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  private keepNotJson(line: string): void {
    if (this.notJson.length < 200) this.notJson.push(line);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the worker logged that it runs and where its metrics are; rejects if it exits first. */
  async ready(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const running = (l: LogLine) =>
      l.msg === 'worker running (SIGTERM or Ctrl-C stops it)' || (this.role === 'api' && l.msg?.startsWith(API_READY));
    while (!(this.metricsPort !== null && this.logs.some(running))) {
      if (!this.alive)
        throw new Error(`worker ${this.role} exited before it was ready: ${this.stderrTail}${this.errors()}`);
      if (Date.now() > deadline)
        throw new Error(`worker ${this.role} not ready within ${timeoutMs} ms: ${this.stderrTail}${this.errors()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Prometheus text of this process's registry. */
  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    return res.text();
  }

  /** CPU time (user + system) this process has used, in clock ticks (Linux /proc). */
  async cpuTicks(): Promise<number> {
    const { readFile } = await import('node:fs/promises');
    const fields = (await readFile(`/proc/${this.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  }

  /** Error-level log lines, for failure messages. */
  errors(): string {
    return this.logs
      .filter((l) => (l.level ?? 0) >= 50)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  /** Stops the process; SIGKILL after 5 s if a graceful signal is not enough. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Sum of a Prometheus counter's samples whose labels include `labels` (e.g. camera="door-d"). */
export function counterValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
