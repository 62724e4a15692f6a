import type { Box } from '../pipeline/geometry.js';
import { type Annotation, annotateJpeg } from '../runtime/annotate-image.js';
import type { EvidenceTable } from '../storage/database/database.types.js';
import type { FileStore } from '../storage/repositories/file-store.repository.js';
import { newId } from '../storage/repositories/ids.js';

/** The frame with the person box, and the face box labelled with the name (the person box when no face). */
export function annotateSnapshot(
  frame: Buffer,
  boxes: { personBox: Box | null; faceBox: Box | null; label: string },
): Promise<Buffer> {
  const annotations: Annotation[] = [];
  if (boxes.personBox)
    annotations.push({ box: boxes.personBox, label: boxes.faceBox ? '' : boxes.label, kind: 'person' });
  if (boxes.faceBox) annotations.push({ box: boxes.faceBox, label: boxes.label, kind: 'known' });
  return annotateJpeg(frame, null, annotations);
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

  /** The stored bytes, refused (TamperedFileError) unless they hash to `sha256`. */
  read(path: string, sha256: string): Promise<Buffer> {
    return this.store.read(path, sha256);
  }
}
