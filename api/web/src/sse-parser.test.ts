import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse-parser.js';

function parse(chunks: string[], lastEventId?: string) {
  const out: SseMessage[] = [];
  const retries: number[] = [];
  const p = new SseParser((m) => out.push(m), { lastEventId, onRetry: (ms) => retries.push(ms) });
  for (const c of chunks) p.push(c);
  return { out, retries, last: p.currentLastEventId };
}

describe('SseParser', () => {
  it('parses named events with ids, multi-line data and comments', () => {
    const { out, last } = parse([': keep-alive\n\nid: 7\nevent: alert\ndata: {"a":1}\n\ndata: line1\ndata: line2\n\n']);
    expect(out).toEqual([
      { event: 'alert', data: '{"a":1}', lastEventId: '7' },
      { event: 'message', data: 'line1\nline2', lastEventId: '7' },
    ]);
    expect(last).toBe('7');
  });

  it('gives the same events whatever the chunking, with LF, CR and CRLF line ends', () => {
    const text = 'id: 1\r\nevent: alert\r\ndata: x\r\n\r\nid: 2\rdata: y\r\rid: 3\ndata: z\n\n';
    const whole = parse([text]).out;
    expect(whole.map((m) => [m.lastEventId, m.data])).toEqual([
      ['1', 'x'],
      ['2', 'y'],
      ['3', 'z'],
    ]);
    for (let size = 1; size <= 5; size++) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(parse(chunks).out).toEqual(whole);
    }
  });

  it('keeps an incomplete event until its blank line arrives', () => {
    const out: SseMessage[] = [];
    const p = new SseParser((m) => out.push(m));
    p.push('id: 9\ndata: par');
    expect(out).toHaveLength(0);
    p.push('tial\n\n');
    expect(out).toEqual([{ event: 'message', data: 'partial', lastEventId: '9' }]);
  });

  it('reports retry, ignores events without data and keeps a resumed id', () => {
    const { out, retries, last } = parse(['retry: 2500\nretry: soon\n\nevent: ping\n\n'], '41');
    expect(retries).toEqual([2500]);
    expect(out).toEqual([]);
    expect(last).toBe('41');
  });
});
