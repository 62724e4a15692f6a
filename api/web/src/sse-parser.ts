/** One Server-Sent Event, as the HTML standard's parsing algorithm dispatches it. */
export interface SseMessage {
  event: string;
  data: string;
  /** The last event id seen so far on this stream (sent back as Last-Event-ID on reconnect). */
  lastEventId: string;
}

/**
 * Incremental text/event-stream parser. EventSource cannot send an Authorization
 * header, so the dashboard reads the stream with fetch and parses it here.
 * Feed it decoded text chunks in any split; it calls `onMessage` per event and
 * `onRetry` when the server sets a reconnection delay.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private lastEventId: string;
  private sawCr = false;
  private readonly onRetry?: (ms: number) => void;

  constructor(
    private readonly onMessage: (msg: SseMessage) => void,
    opts: { lastEventId?: string; onRetry?: (ms: number) => void } = {},
  ) {
    this.lastEventId = opts.lastEventId ?? '';
    this.onRetry = opts.onRetry;
  }

  /** Feeds a whole response body (fetch) through the parser; resolves when the stream ends, rejects on abort. */
  async consume(body: ReadableStream<BufferSource>): Promise<void> {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      this.push(value);
    }
  }

  push(chunk: string): void {
    let text = chunk;
    // A CRLF split across two chunks: the LF belongs to the line the CR already ended.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1);
    this.sawCr = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(start, i));
      if (c === '\r') {
        if (i + 1 === this.buffer.length) this.sawCr = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.onRetry?.(Number(value));
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) return;
    this.onMessage({ event: event || 'message', data: data.join('\n'), lastEventId: this.lastEventId });
  }

  /** The id to resume from (Last-Event-ID) if the stream drops now. */
  get currentLastEventId(): string {
    return this.lastEventId;
  }
}
