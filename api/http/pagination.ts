import { z } from 'zod';
import { badRequest } from '../../runtime/problem.js';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('page size (1-500)'),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});

export const page = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('null on the last page') }).meta({ id });

/** Keyset cursors (createdAt, id): stable under inserts, unlike offsets. */
export function decodeCursor(cursor: string | undefined): { createdAt: number; id: string } | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  const at = text.indexOf(':');
  const createdAt = Number(text.slice(0, at));
  if (at < 1 || !Number.isFinite(createdAt))
    throw badRequest('cursor is not valid; pass nextCursor from the previous page');
  return { createdAt, id: text.slice(at + 1) };
}

export function pageOf<R extends { createdAt: number; id: string }, T>(rows: R[], limit: number, map: (r: R) => T) {
  const last = rows.length === limit ? rows[rows.length - 1] : undefined;
  return {
    items: rows.map(map),
    nextCursor: last ? Buffer.from(`${last.createdAt}:${last.id}`).toString('base64url') : null,
  };
}
