import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.js';

describe('toCsv', () => {
  it('quotes per RFC 4180 and writes nulls as empty cells', () => {
    expect(
      toCsv(
        ['a', 'b', 'c'],
        [
          ['x,y', 'say "hi"', null],
          ['line\nbreak', -0.5, true],
        ],
      ),
    ).toBe('a,b,c\r\n"x,y","say ""hi""",\r\n"line\nbreak",-0.5,true\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, not negative numbers', () => {
    expect(csvCell('-3.5')).toBe('-3.5');
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(
      toCsv(
        ['name', 'n'],
        [
          ['=HYPERLINK("x")', -3],
          ['@sum', 2],
          ['-1+2', 1],
        ],
      ),
    ).toBe('name,n\r\n"\'=HYPERLINK(""x"")",-3\r\n\'@sum,2\r\n\'-1+2,1\r\n');
  });
});
