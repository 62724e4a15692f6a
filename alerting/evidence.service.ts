import sharp from 'sharp';
import type { Box } from '../pipeline/geometry.js';
import type { EvidenceTable } from '../storage/database/database.types.js';
import type { FileStore } from '../storage/repositories/file-store.repository.js';
import { newId } from '../storage/repositories/ids.js';

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The frame with the person box, the face box and the name drawn on it. */
export async function annotateSnapshot(
  frame: Buffer,
  boxes: { personBox: Box | null; faceBox: Box | null; label: string },
): Promise<Buffer> {
  const meta = await sharp(frame).metadata();
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  const stroke = Math.max(2, Math.round(Math.min(w, h) / 200));
  const font = Math.max(14, Math.round(h / 28));
  const rect = (b: Box, colour: string) =>
    `<rect x="${b[0]}" y="${b[1]}" width="${Math.max(1, b[2] - b[0])}" height="${Math.max(1, b[3] - b[1])}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`;
  const anchor = boxes.faceBox ?? boxes.personBox;
  const textY = anchor ? Math.max(font + 4, anchor[1] - 6) : font + 4;
  const textX = anchor ? Math.max(2, anchor[0]) : 4;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    ${boxes.personBox ? rect(boxes.personBox, '#ffcc00') : ''}
    ${boxes.faceBox ? rect(boxes.faceBox, '#ff2a2a') : ''}
    <text x="${textX}" y="${textY}" font-family="sans-serif" font-size="${font}" font-weight="bold" fill="#ff2a2a" stroke="#000" stroke-width="1">${escapeXml(boxes.label)}</text>
  </svg>`;
  return sharp(frame)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 88 })
    .toBuffer();
}

/** Copies evidence out of Redis (where it expires) into the evidence store, with a sha256 each. */
export class EvidenceService {
  constructor(private readonly store: FileStore) {}

  async keep(
    alertId: string,
    kind: EvidenceTable['kind'],
    data: Buffer,
    mime = 'image/jpeg',
    ext = 'jpg',
  ): Promise<EvidenceTable> {
    const f = await this.store.put(alertId, data, ext);
    return {
      id: newId('evd'),
      alertId,
      kind,
      sha256: f.sha256,
      bytes: f.bytes,
      mime,
      path: f.path,
      createdAt: Date.now(),
    };
  }

  /** Snapshot (annotated frame) and face crop; whatever already expired is simply absent. */
  async fromMatch(
    alertId: string,
    frame: Buffer | null,
    faceCrop: Buffer | null,
    boxes: { personBox: Box | null; faceBox: Box | null; label: string },
  ): Promise<EvidenceTable[]> {
    const out: EvidenceTable[] = [];
    if (frame) {
      let snapshot: Buffer;
      try {
        snapshot = await annotateSnapshot(frame, boxes);
      } catch {
        // A frame sharp cannot read is kept as it is: raw evidence beats none.
        out.push(await this.keep(alertId, 'frame', frame));
        snapshot = Buffer.alloc(0);
      }
      if (snapshot.length) out.push(await this.keep(alertId, 'snapshot', snapshot));
    }
    if (faceCrop) out.push(await this.keep(alertId, 'face_crop', faceCrop));
    return out;
  }

  read(path: string): Promise<Buffer> {
    return this.store.read(path);
  }
}
