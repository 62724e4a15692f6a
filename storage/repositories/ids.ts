import { randomBytes } from 'node:crypto';

/** Opaque ids with a type prefix (`case_…`), sortable by creation second, safe in URLs and Redis keys. */
export function newId(prefix: string): string {
  const time = Math.floor(Date.now() / 1000)
    .toString(36)
    .padStart(7, '0');
  return `${prefix}_${time}${randomBytes(8).toString('hex')}`;
}
