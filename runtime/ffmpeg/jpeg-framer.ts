/**
 * Splits a byte stream of concatenated JPEGs (ffmpeg `-f image2pipe -c:v mjpeg`)
 * into frames by walking its marker segments, not by searching for FFD8/FFD9:
 * an EXIF thumbnail nests a whole SOI..EOI inside an APP1 segment, and the length
 * fields carry arbitrary bytes. Inside entropy-coded data, 0xFF is stuffed (FF00)
 * or a restart marker (FFD0-FFD7), so the next other marker ends the scan.
 */

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
/** A frame larger than this without an EOI is garbage, not a picture. */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/** Markers without a length field. */
const standalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd8);

export type FramerOutput = { ok: true; jpeg: Buffer } | { ok: false; bytes: number; reason: string };

export class JpegFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Where parsing resumes in `buf`; the frame being read starts at 0. */
  private pos = 0;
  private mode: 'seek' | 'segments' | 'entropy' = 'seek';
  /** Bytes skipped after a malformed frame belong to it: not reported a second time. */
  private resyncing = false;

  /** Feeds a chunk; returns the frames (and corrupt stretches) it completed. */
  push(chunk: Buffer): FramerOutput[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: FramerOutput[] = [];
    for (;;) {
      const r = this.step();
      if (r === 'more') break;
      if (r) out.push(r);
    }
    if (this.mode !== 'seek' && this.buf.length > MAX_FRAME_BYTES) {
      out.push(this.fail(this.buf.length, `no end of image within ${MAX_FRAME_BYTES} bytes`));
    }
    return out;
  }

  /** End of stream: an unfinished frame is reported as corrupt (truncated). */
  end(): FramerOutput | null {
    const partial = this.mode === 'seek' ? 0 : this.buf.length;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.mode = 'seek';
    return partial ? { ok: false, bytes: partial, reason: 'stream ended inside a frame (truncated JPEG)' } : null;
  }

  /** One parsing step: a finished output, null (progress, nothing to emit) or 'more' (needs bytes). */
  private step(): FramerOutput | null | 'more' {
    const b = this.buf;
    if (this.mode === 'seek') {
      const at = findSoi(b, 0);
      if (at < 0) {
        // Keep a trailing 0xFF: it may be the first half of the next SOI.
        const keep = b.length && b[b.length - 1] === 0xff ? 1 : 0;
        const dropped = b.length - keep;
        this.buf = b.subarray(b.length - keep);
        return dropped && !this.resyncing ? { ok: false, bytes: dropped, reason: 'bytes outside any JPEG' } : 'more';
      }
      this.buf = b.subarray(at);
      this.pos = 2;
      this.mode = 'segments';
      const garbage = at && !this.resyncing;
      this.resyncing = false;
      return garbage ? { ok: false, bytes: at, reason: 'bytes outside any JPEG' } : null;
    }
    if (this.mode === 'segments') {
      let p = this.pos;
      if (p >= b.length) return 'more';
      if (b[p] !== 0xff) return this.fail(p, `expected a marker at byte ${p}`);
      while (p < b.length && b[p] === 0xff) p++; // fill bytes
      if (p >= b.length) return 'more';
      const marker = b[p]!;
      if (marker === EOI) {
        const jpeg = b.subarray(0, p + 1);
        this.buf = b.subarray(p + 1);
        this.pos = 0;
        this.mode = 'seek';
        return { ok: true, jpeg };
      }
      if (marker === SOI || marker === 0x00)
        return this.fail(p - 1, `unexpected marker FF${hex(marker)} at byte ${p - 1}`);
      if (standalone(marker)) {
        this.pos = p + 1;
        return null;
      }
      if (p + 2 >= b.length) return 'more';
      const len = b.readUInt16BE(p + 1);
      if (len < 2) return this.fail(p - 1, `bad segment length ${len} at byte ${p - 1}`);
      this.pos = p + 1 + len;
      if (marker === SOS) this.mode = 'entropy';
      return this.pos > b.length ? 'more' : null;
    }
    // entropy-coded data: find the next marker that is not stuffing or a restart
    let p = this.pos;
    if (p >= b.length) return 'more';
    for (;;) {
      p = b.indexOf(0xff, p);
      if (p < 0 || p + 1 >= b.length) {
        this.pos = p < 0 ? b.length : p;
        return 'more';
      }
      const next = b[p + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        p += next === 0xff ? 1 : 2;
        continue;
      }
      this.pos = p;
      this.mode = 'segments';
      return null;
    }
  }

  /**
   * Reports the malformed frame and resynchronises on the next SOI after its own:
   * searching from the frame's start, not from where parsing failed, because a
   * garbled length field may have carried parsing past the next frame's start.
   */
  private fail(upTo: number, reason: string): FramerOutput {
    this.buf = this.buf.subarray(2);
    this.pos = 0;
    this.mode = 'seek';
    this.resyncing = true;
    return { ok: false, bytes: Math.max(upTo, 2), reason };
  }
}

function findSoi(b: Buffer, from: number): number {
  for (let p = b.indexOf(0xff, from); p >= 0 && p + 1 < b.length; p = b.indexOf(0xff, p + 1)) {
    if (b[p + 1] === SOI) return p;
  }
  return -1;
}

const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

export type JpegCheck = { ok: true; width: number; height: number } | { ok: false; reason: string };

/**
 * Checks that a buffer is one whole, well-formed JPEG and reads its size from the
 * frame header: segment lengths inside the buffer, a SOF with non-zero size,
 * quantisation and scan data, no invalid marker in the scan, EOI last. Cheap (no
 * pixel decoding); it catches truncated and garbled frames, the corruption a
 * byte stream from a dying process or a broken network source produces.
 */
export function inspectJpeg(b: Buffer): JpegCheck {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== SOI) return { ok: false, reason: 'no start-of-image marker' };
  if (b[b.length - 2] !== 0xff || b[b.length - 1] !== EOI)
    return { ok: false, reason: 'no end-of-image marker (truncated)' };
  let p = 2;
  let size: { width: number; height: number } | null = null;
  let scans = 0;
  let tables = 0;
  while (p < b.length) {
    if (b[p] !== 0xff) return { ok: false, reason: `expected a marker at byte ${p}` };
    while (p < b.length && b[p] === 0xff) p++;
    const marker = b[p]!;
    p++;
    if (marker === EOI) break;
    if (standalone(marker) || marker === 0x00)
      return { ok: false, reason: `unexpected marker FF${hex(marker)} at byte ${p - 2}` };
    if (p + 2 > b.length) return { ok: false, reason: 'segment header past the end' };
    const len = b.readUInt16BE(p);
    if (len < 2 || p + len > b.length) return { ok: false, reason: `segment FF${hex(marker)} overruns the buffer` };
    if (isSof(marker)) {
      if (len < 8) return { ok: false, reason: 'short frame header' };
      size = { height: b.readUInt16BE(p + 3), width: b.readUInt16BE(p + 5) };
      if (!size.width || !size.height) return { ok: false, reason: 'frame header with zero size' };
    }
    if (marker === 0xdb) tables++;
    p += len;
    if (marker === SOS) {
      if (!size) return { ok: false, reason: 'scan before frame header' };
      scans++;
      for (;;) {
        p = b.indexOf(0xff, p);
        if (p < 0 || p + 1 >= b.length) return { ok: false, reason: 'scan data runs past the end' };
        const next = b[p + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) p += 2;
        else if (next === 0xff) p += 1;
        else if (next >= 0xc0 && next !== 0xd8) break;
        else return { ok: false, reason: `invalid marker FF${hex(next)} inside scan data at byte ${p}` };
      }
    }
  }
  if (p !== b.length) return { ok: false, reason: `data after end-of-image at byte ${p + 1}` };
  if (!size) return { ok: false, reason: 'no frame header (SOF)' };
  if (!tables) return { ok: false, reason: 'no quantisation table' };
  if (!scans) return { ok: false, reason: 'no scan data' };
  return { ok: true, ...size };
}
