import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../../runtime/logger.js';
import { HttpProblem } from '../../runtime/problem.js';
import { metrics } from '../../runtime/metrics.js';
import { tamperedProblem } from '../../alerting/evidence-integrity.js';
import { TamperedFileError } from '../../storage/repositories/file-store.repository.js';
import { EvidenceKeyError } from '../../runtime/file-cipher.js';

/**
 * Absolute paths of this machine (anything under a top-level folder of `/`, such as /tmp or /home)
 * say where the service keeps its data: a message that carries one (an ffprobe error, a
 * file-system error) gets the file's name instead. API paths (/v1/...) are not folders here.
 */
const serverPath = (() => {
  let roots: string[] = [];
  try {
    roots = readdirSync('/').filter((n) => /^[\w.-]+$/.test(n) && n !== 'v1' && n !== 'admin');
  } catch {
    // not a POSIX file system: nothing to match
  }
  return roots.length
    ? new RegExp(`(?<![\\w.:/])/(?:${roots.map((n) => n.replace(/\./g, '\\.')).join('|')})(?:/[^\\s'"\`:;,()]*)?`, 'g')
    : null;
})();

export const scrubServerPaths = (text: string) =>
  serverPath ? text.replace(serverPath, (p) => `<${basename(p) || 'path'}>`) : text;

const send = (res: Parameters<RequestHandler>[1], status: number, body: Record<string, unknown>) =>
  res
    .status(status)
    .type('application/problem+json')
    .send(scrubServerPaths(JSON.stringify({ type: 'about:blank', status, ...body })));

export const notFoundHandler: RequestHandler = (req, res) =>
  send(res, 404, { title: 'Not Found', detail: `no route ${req.method} ${req.path}` });

/** Maps every error to problem+json; internals (stacks, SQL) go to the log, never to the client. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof HttpProblem)
      return send(res, err.status, { title: err.title, detail: err.detail, ...err.extra });
    if (err instanceof ZodError) {
      const errors = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return send(res, 400, {
        title: 'Bad Request',
        detail: errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '),
        errors,
      });
    }
    const e = err as { type?: string; status?: number; limit?: number };
    if (e.type === 'entity.parse.failed')
      return send(res, 400, { title: 'Bad Request', detail: 'the request body is not valid JSON' });
    if (e.type === 'entity.too.large' || e.status === 413)
      return send(res, 413, {
        title: 'Content Too Large',
        detail: `the request body exceeds the limit of ${e.limit ?? '?'} bytes`,
      });
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
      return send(res, 415, { title: 'Unsupported Media Type', detail: String((err as Error).message) });
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      return send(res, e.status, { title: 'Bad Request', detail: String((err as Error).message) });
    if (err instanceof TamperedFileError) {
      // A stored file changed on disk that no service caught (those audit it too): never served, still an alarm.
      metrics.evidenceTampered.inc({ kind: 'file' });
      log.error({ alarm: 'evidence_tampered', err: err.message, path: req.path }, 'stored file failed its hash check');
      const p = tamperedProblem('a stored file this request needs');
      return send(res, p.status, { title: p.title, detail: p.detail, ...p.extra });
    }
    if (err instanceof EvidenceKeyError) {
      // Configuration, not tampering: the file is intact but sealed with a key this process was not given.
      log.error({ err: err.message, path: req.path }, 'stored file sealed with a key this process does not hold');
      return send(res, 500, { title: 'Evidence Key Missing', detail: err.message });
    }
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    return send(res, 500, { title: 'Internal Server Error', detail: 'an internal error occurred; it has been logged' });
  };
}
