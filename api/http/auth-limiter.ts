import { MemoryStore, type Options } from 'express-rate-limit';

export interface AuthFailureLimits {
  /** Failed authentications from one address per window before it waits. */
  perAddress: number;
  /** Failed authentications with one presented secret (by its hash) per window before it waits. */
  perKey: number;
  /** The window, and so the longest wait: a short back-off, never a lock-out. */
  windowMs: number;
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = { perAddress: 30, perKey: 5, windowMs: 60_000 };

/**
 * Counts failed authentications per address and per presented secret (hashed). It is
 * consulted only after a secret failed: a valid key, and an SOS token above all, is
 * never refused because someone else (a misconfigured client behind the same NAT
 * address) failed. A limited caller waits out a short window (429 with Retry-After)
 * instead of a long lock-out.
 */
export class AuthFailureLimiter {
  private readonly byAddress = new MemoryStore();
  private readonly byKey = new MemoryStore();

  constructor(private readonly limits: AuthFailureLimits = DEFAULT_AUTH_FAILURE_LIMITS) {
    // MemoryStore reads only windowMs from the middleware's options.
    const opts = { windowMs: limits.windowMs } as Options;
    this.byAddress.init(opts);
    this.byKey.init(opts);
  }

  /** Records one failure; returns the seconds to wait when the address or the secret is over its limit. */
  async failed(address: string | null, secretHash: string | null): Promise<{ retryAfterSec: number } | null> {
    const hits = await Promise.all([
      address ? this.count(this.byAddress, address, this.limits.perAddress) : null,
      secretHash ? this.count(this.byKey, secretHash, this.limits.perKey) : null,
    ]);
    const waits = hits.filter((h): h is number => h !== null);
    return waits.length ? { retryAfterSec: Math.max(...waits) } : null;
  }

  /** Seconds until the counter resets when over the limit, else null. */
  private async count(store: MemoryStore, key: string, limit: number): Promise<number | null> {
    const { totalHits, resetTime } = await store.increment(key);
    if (totalHits <= limit) return null;
    return Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
  }

  close(): void {
    this.byAddress.shutdown();
    this.byKey.shutdown();
  }
}
