/** What a CSV cell may hold: null and undefined are written as empty cells. */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One RFC 4180 cell. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR)
 * gets a leading apostrophe: identity names are typed in by operators, and analysts open
 * these files in a spreadsheet. Numbers, and text that is a plain number, are written as they are.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV lines, each with its CRLF line end (a long export writes them page by page). */
export const csvLines = (rows: readonly (readonly CsvCell[])[]): string =>
  rows.map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');

/** A header and rows as CSV text, CRLF line ends, with a final line end. */
export const toCsv = (header: readonly string[], rows: readonly (readonly CsvCell[])[]): string =>
  csvLines([header, ...rows]);
