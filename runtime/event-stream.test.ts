import { describe, expect, it } from 'vitest';
import { followEventStream, readEventStream, type SseMessage, type StreamState } from './event-stream.js';

const bodyOf = (chunks: string[]) =>
  new ReadableStream<BufferSource>({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });

async function parse(chunks: string[], lastEventId?: string) {
  const out: SseMessage[] = [];
  const retries: number[] = [];
  await readEventStream(bodyOf(chunks), (m) => out.push(m), { lastEventId, onRetry: (ms) => retries.push(ms) });
  return { out, retries };
}

describe('readEventStream', () => {
  it('parses named events with ids, multi-line data and comments', async () => {
    const { out } = await parse([': keep-alive\n\nid: 7\nevent: alert\ndata: {"a":1}\n\ndata: line1\ndata: line2\n\n']);
    expect(out).toEqual([
      { event: 'alert', data: '{"a":1}', lastEventId: '7' },
      { event: 'message', data: 'line1\nline2', lastEventId: '7' },
    ]);
  });

  it('gives the same events whatever the chunking, with LF, CR and CRLF line ends', async () => {
    const text = 'id: 1\r\nevent: alert\r\ndata: x\r\n\r\nid: 2\rdata: y\r\rid: 3\ndata: z\n\n';
    const whole = (await parse([text])).out;
    expect(whole.map((m) => [m.lastEventId, m.data])).toEqual([
      ['1', 'x'],
      ['2', 'y'],
      ['3', 'z'],
    ]);
    for (let size = 1; size <= 5; size++) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect((await parse(chunks)).out).toEqual(whole);
    }
  });

  it('drops an event whose blank line never came', async () => {
    expect((await parse(['id: 9\ndata: par', 'tial\n'])).out).toEqual([]);
    expect((await parse(['id: 9\ndata: par', 'tial\n\n'])).out).toEqual([
      { event: 'message', data: 'partial', lastEventId: '9' },
    ]);
  });

  it('reports retry, ignores events without data and keeps a resumed id', async () => {
    const { out, retries } = await parse(['retry: 2500\nretry: soon\n\nevent: ping\n\ndata: a\n\n'], '41');
    expect(retries).toEqual([2500]);
    expect(out).toEqual([{ event: 'message', data: 'a', lastEventId: '41' }]);
  });
});

describe('followEventStream', () => {
  it('reconnects after a drop with the last event id, and stops on a refusal', async () => {
    const asked: string[] = [];
    const states: StreamState[] = [];
    const got: string[] = [];
    const answers = [
      new Response('retry: 1\nid: 5\ndata: a\n\n'),
      new Response('data: not a stream', { status: 503 }),
      new Response('id: 6\ndata: b\n\n'),
      new Response('', { status: 401 }),
    ];
    await followEventStream({
      connect: async (lastEventId) => {
        asked.push(lastEventId);
        return answers.shift()!;
      },
      refusal: async (res) => (res.status === 401 ? 'bad key' : null),
      onMessage: (m) => got.push(m.data),
      onState: (s) => states.push(s),
      signal: new AbortController().signal,
    });
    expect(got).toEqual(['a', 'b']);
    expect(asked).toEqual(['', '5', '5', '6']);
    expect(states).toEqual([
      'connecting',
      'live',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'live',
      'reconnecting',
      'refused',
    ]);
  });
});
