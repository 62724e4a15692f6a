import type { Logger } from 'pino';

type Closer = { name: string; close: () => Promise<unknown> | unknown };

/**
 * Ordered graceful shutdown. Closers run in registration order, so register
 * intake first (ingest), then workers in pipeline order, then connections.
 * SIGTERM/SIGINT run them once; a second signal or the deadline forces exit.
 */
export class Shutdown {
  private readonly closers: Closer[] = [];
  private running: Promise<void> | null = null;
  private readonly listeners = new Map<NodeJS.Signals, () => void>();

  constructor(
    private readonly log: Logger,
    private readonly deadlineMs = 20_000,
  ) {}

  add(name: string, close: Closer['close']): this {
    this.closers.push({ name, close });
    return this;
  }

  /** Installs SIGTERM/SIGINT handlers that close everything and exit with `code`. */
  onSignals(code = 0): this {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const handler = () => {
        if (this.running) {
          this.log.warn({ signal }, 'second signal: exiting now');
          process.exit(130);
        }
        this.log.info({ signal }, 'shutting down');
        void this.close().then(() => process.exit(code));
      };
      this.listeners.set(signal, handler);
      process.on(signal, handler);
    }
    return this;
  }

  /** Runs every closer once, in order; errors are logged, not thrown, so later closers still run. */
  close(): Promise<void> {
    this.running ??= (async () => {
      const timer = setTimeout(() => {
        this.log.error({ deadlineMs: this.deadlineMs }, 'shutdown deadline passed: exiting');
        process.exit(1);
      }, this.deadlineMs);
      timer.unref();
      for (const { name, close } of this.closers) {
        try {
          await close();
          this.log.debug({ name }, 'closed');
        } catch (err) {
          this.log.error({ name, err }, 'error while closing');
        }
      }
      clearTimeout(timer);
      for (const [signal, handler] of this.listeners) process.off(signal, handler);
    })();
    return this.running;
  }
}
