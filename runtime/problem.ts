/**
 * An HTTP error a client can act on, sent as RFC 9457 problem+json. Anything
 * else thrown in a handler becomes a bare 500 without details.
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export const notFound = (what: string, id: string) =>
  new HttpProblem(404, 'Not Found', `${what} '${id}' does not exist`);
export const conflict = (detail: string) => new HttpProblem(409, 'Conflict', detail);
export const unprocessable = (detail: string, extra: Record<string, unknown> = {}) =>
  new HttpProblem(422, 'Unprocessable Content', detail, extra);
export const badRequest = (detail: string, extra: Record<string, unknown> = {}) =>
  new HttpProblem(400, 'Bad Request', detail, extra);

/** Redis (queues, watchlist, camera registry) is unreachable: the request may be retried later. */
export class RedisUnavailableError extends HttpProblem {
  constructor(what: string) {
    super(
      503,
      'Service Unavailable',
      `Redis is unreachable, so ${what} cannot be done now; reads still work. Retry shortly.`,
    );
  }
}

/** A body field that parsed but names a target the system must not use (validation's 400 shape). */
export function refuseField(path: string, reason: string | null): void {
  if (reason) throw badRequest(`${path}: ${reason}`, { errors: [{ path, message: reason }] });
}
