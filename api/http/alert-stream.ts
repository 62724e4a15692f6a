import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from '../../runtime/logger.js';
import { apiMetrics } from './api-metrics.js';
import type { AlertAudience, AlertRepository } from '../../storage/repositories/alert.repository.js';
import { type AlertScope, canSee } from '../../alerting/alert-access.js';

interface Client {
  res: Response;
  /** The API key the stream was opened with: its revocation or expiry ends the stream. */
  keyId: string | null;
  /** Last journal sequence sent to this client. */
  seq: number;
  /** Still replaying from the database after Last-Event-ID: live fan-out skips it. */
  catchingUp: boolean;
  /** Which alerts the stream carries: an officer's only those they may see. */
  scope: AlertScope;
}

type JournalRow = { seq: number; alertId: string; type: string; payload: string };

const PAGE = 500;

/**
 * Server-Sent Events over the alert journal. Every event's id is its journal
 * sequence number, so a client reconnecting with Last-Event-ID gets exactly what
 * it missed, from the database. New entries are noticed through Redis pub/sub
 * (whichever process committed them) and, as a fallback while Redis is down, by
 * polling; each entry is serialised once and written to every client that may see
 * its alert (an officer's stream carries their district's alerts and those sent to them).
 */
export class AlertStreamHub {
  private readonly clients = new Set<Client>();
  private lastSeq = 0;
  private pumping: Promise<void> | null = null;
  private again = false;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly repo: AlertRepository,
    private readonly log: Logger,
    private readonly opts: {
      pollMs?: number;
      heartbeatMs?: number;
      /** Which of these keys are still active; streams of the others are closed. */
      activeKeys?: (ids: string[]) => Promise<Set<string>>;
      /** How often open streams' keys are checked (revoked by the CLI or another API process too). */
      keyCheckMs?: number;
    } = {},
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  async start(subscriber: Redis | null, channel: string): Promise<void> {
    this.lastSeq = await this.repo.lastEventSeq();
    if (subscriber) {
      subscriber.on('message', (ch: string) => ch === channel && this.notify());
      // Not awaited: with Redis down at start-up the API must still come up (polling covers the gap,
      // and the connection subscribes again once Redis answers).
      subscriber
        .subscribe(channel)
        .catch((err: Error) => this.log.warn({ err: err.message }, 'alert stream: subscribe failed; polling only'));
    }
    this.timers.push(setInterval(() => this.notify(), this.opts.pollMs ?? 2000));
    this.timers.push(
      setInterval(() => {
        for (const c of this.clients) c.res.write(': keep-alive\n\n');
      }, this.opts.heartbeatMs ?? 15_000),
    );
    if (this.opts.activeKeys) this.timers.push(setInterval(() => void this.checkKeys(), this.opts.keyCheckMs ?? 500));
    for (const t of this.timers) t.unref();
  }

  /** Ends every stream opened with this key, at once (its revocation in this process). */
  endStreamsOf(keyId: string): number {
    let ended = 0;
    for (const c of this.clients)
      if (c.keyId === keyId) {
        this.end(c, 'the API key was revoked');
        ended++;
      }
    return ended;
  }

  private checking = false;
  private async checkKeys(): Promise<void> {
    const ids = [...new Set([...this.clients].map((c) => c.keyId).filter((k): k is string => k !== null))];
    if (this.checking || !ids.length || !this.opts.activeKeys) return;
    this.checking = true;
    try {
      const active = await this.opts.activeKeys(ids);
      for (const c of this.clients)
        if (c.keyId && !active.has(c.keyId)) this.end(c, 'the API key was revoked or expired');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'alert stream: checking the keys of open streams failed');
    } finally {
      this.checking = false;
    }
  }

  /** A last event names why, then the connection closes (the client must not silently reconnect with a dead key). */
  private end(c: Client, why: string): void {
    if (!this.clients.delete(c)) return;
    apiMetrics.sseClients.dec();
    c.res.write(`event: access.ended\ndata: ${JSON.stringify({ reason: why })}\n\n`);
    c.res.end();
  }

  /** Something was committed: fetch new journal entries and fan them out (coalesced). */
  notify(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          await this.pump();
        } while (this.again);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'alert stream: reading the journal failed');
      } finally {
        this.pumping = null;
      }
    })();
  }

  private async pump(): Promise<void> {
    for (;;) {
      const rows = await this.repo.eventsAfter(this.lastSeq, PAGE);
      const scoped = [...this.clients].some((c) => !c.scope.all);
      const audience = scoped ? await this.audienceOf(rows) : null;
      for (const row of rows) {
        const frame = format(row);
        for (const c of this.clients) {
          if (c.catchingUp || c.seq >= row.seq) continue;
          if (mayReceive(c.scope, audience, row)) c.res.write(frame);
          c.seq = row.seq;
        }
        this.lastSeq = row.seq;
      }
      if (rows.length < PAGE) return;
    }
  }

  private audienceOf(rows: JournalRow[]) {
    return this.repo.audience([...new Set(rows.map((r) => r.alertId))]);
  }

  /** Serves one SSE client; resumes after `Last-Event-ID` (header, or `lastEventId` query for first connects). */
  async attach(
    req: Request,
    res: Response,
    keyId: string | null = null,
    scope: AlertScope = { all: true },
  ): Promise<void> {
    const raw =
      req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    const resumeFrom = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: 3000\n: connected, journal at ${this.lastSeq}\n\n`);
    const client: Client = { res, keyId, seq: resumeFrom ?? this.lastSeq, catchingUp: resumeFrom !== null, scope };
    this.clients.add(client);
    apiMetrics.sseClients.inc();
    req.on('close', () => {
      if (this.clients.delete(client)) apiMetrics.sseClients.dec();
    });
    if (!client.catchingUp) return;
    try {
      // Replay from the database until the client reaches the hub's position; the check and the
      // switch to live fan-out happen with no await in between, so no entry falls in the gap.
      for (;;) {
        const rows = await this.repo.eventsAfter(client.seq, PAGE);
        const audience = scope.all ? null : await this.audienceOf(rows);
        for (const row of rows) {
          if (mayReceive(scope, audience, row)) res.write(format(row));
          client.seq = row.seq;
        }
        if (client.seq >= this.lastSeq || !rows.length) break;
      }
    } finally {
      client.catchingUp = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    await this.pumping;
  }
}

/** An entry of an alert outside an officer's view is skipped (their position still moves past it). */
function mayReceive(scope: AlertScope, audience: Map<string, AlertAudience> | null, row: JournalRow): boolean {
  if (scope.all) return true;
  const a = audience?.get(row.alertId);
  return a !== undefined && canSee(scope, a);
}

function format(row: { seq: number; type: string; payload: string }): string {
  return `id: ${row.seq}\nevent: ${row.type}\ndata: ${row.payload}\n\n`;
}
