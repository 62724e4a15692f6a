import type { Request, Response } from 'express';
import rangeParser from 'range-parser';

/**
 * Sends stored bytes, honouring a single HTTP Range (206 with Content-Range), so a video player
 * can seek a clip; a range it cannot satisfy gets 416. The bytes are in memory already (evidence
 * is hash-checked, and may be decrypted, before it is sent), so ranges are slices of them.
 */
export function sendBytes(req: Request, res: Response, data: Buffer, headers: Record<string, string>): void {
  res.set({ ...headers, 'accept-ranges': 'bytes' });
  const header = req.headers.range;
  const ranges = header ? rangeParser(data.length, header, { combine: true }) : null;
  if (ranges === -1) {
    res.status(416).set('content-range', `bytes */${data.length}`).end();
    return;
  }
  if (!ranges || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) {
    res.status(200).send(data);
    return;
  }
  const { start, end } = ranges[0]!;
  res
    .status(206)
    .set('content-range', `bytes ${start}-${end}/${data.length}`)
    .send(data.subarray(start, end + 1));
}
