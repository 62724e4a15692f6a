import { z } from 'zod';

export const idParams = z.object({ id: z.string().min(1).max(100) });
export const timestamp = z.number().int().describe('ms since epoch');
export const boxSchema = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .describe('[x1, y1, x2, y2] in source pixels');
/** A time in a query string: ms since epoch, an ISO 8601 date-time, or a date (midnight UTC). */
export const queryTime = z.union([
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.iso.date().transform((s) => Date.parse(`${s}T00:00:00Z`)),
  z.coerce.number().int().nonnegative(),
]);

/** Absolute time as ms since epoch or an ISO 8601 string. */
export const timeInput = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);
