import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { perpetratorCreateSchema, perpetratorUpdateSchema } from '../dto/perpetrator.dto.js';
import type { PerpetratorTable, PhotoTable } from '../../storage/database/database.types.js';
import { conflict, HttpProblem, notFound } from '../../runtime/problem.js';
import type { AuditContext } from '../../audit/audit-context.js';
import { type FileStore, TamperedFileError } from '../../storage/repositories/file-store.repository.js';
import { refuseTampered } from '../../alerting/evidence-integrity.js';
import type { Logger } from '../../runtime/logger.js';
import { newId } from '../../storage/repositories/ids.js';
import type { PerpetratorRepository } from '../../storage/repositories/perpetrator.repository.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import type { AuditService } from '../../audit/audit.service.js';
import { FaceModelsUnavailableError, type FaceEnroller, type PhotoQuality } from './face-enroller.js';
import { sniffImage } from './image-sniff.js';

const toDto = (p: PerpetratorTable, photoCount: number) => ({
  id: p.id,
  name: p.name,
  notes: p.notes,
  watchEverywhere: p.watchEverywhere === 1,
  photoCount,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

export const photoDto = (p: PhotoTable) => ({
  id: p.id,
  sha256: p.sha256,
  mime: p.mime,
  width: p.width,
  height: p.height,
  faceBox: JSON.parse(p.faceBox) as [number, number, number, number],
  createdAt: p.createdAt,
  quality: p.quality ? (JSON.parse(p.quality) as PhotoQuality) : null,
  gateRefusal: p.gateRefusal ?? null,
});

/** Perpetrator profiles and their enrolment (biometric data: every read and change is audited). */
export class PerpetratorService {
  constructor(
    private readonly repo: PerpetratorRepository,
    private readonly cases: CaseRepository,
    private readonly photos: FileStore,
    private readonly audit: AuditService,
    private readonly enroller: () => Promise<FaceEnroller>,
    private readonly watchlistChanged: () => Promise<void>,
    private readonly log: Logger,
    /** Deletes the perpetrator's false-positive alerts with their evidence (the retention policy). */
    private readonly forgetAlerts: (perpetratorId: string) => Promise<{ alerts: number; evidenceFiles: number }>,
  ) {}

  async create(ctx: AuditContext, input: z.output<typeof perpetratorCreateSchema>) {
    const now = Date.now();
    const row: PerpetratorTable = {
      id: newId('prp'),
      name: input.name,
      notes: input.notes ?? null,
      watchEverywhere: input.watchEverywhere ? 1 : 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insert(row);
    await this.audit.record(ctx, 'perpetrator.create', { type: 'perpetrator', id: row.id }, { name: row.name });
    return toDto(row, 0);
  }

  async list(ctx: AuditContext, f: Parameters<PerpetratorRepository['list']>[0]) {
    const rows = await this.repo.list(f);
    const counts = new Map(
      (await this.repo.photoCounts(rows.map((r) => r.id))).map((c) => [c.perpetratorId, Number(c.n)]),
    );
    await this.audit.record(ctx, 'perpetrator.list', { type: 'perpetrator' }, { count: rows.length });
    return rows.map((r) => ({ row: r, dto: toDto(r, counts.get(r.id) ?? 0) }));
  }

  async get(ctx: AuditContext, id: string) {
    const p = await this.repo.get(id);
    if (!p) throw notFound('perpetrator', id);
    const photos = await this.repo.photos(id);
    const caseIds = (await this.cases.list({ limit: 500, perpetratorId: id })).map((c) => c.id);
    await this.audit.record(ctx, 'perpetrator.read', { type: 'perpetrator', id });
    return { ...toDto(p, photos.length), photos: photos.map(photoDto), caseIds };
  }

  async update(ctx: AuditContext, id: string, patch: z.output<typeof perpetratorUpdateSchema>) {
    const p = await this.repo.get(id);
    if (!p) throw notFound('perpetrator', id);
    const set: Parameters<PerpetratorRepository['update']>[1] = { updatedAt: Date.now() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.notes !== undefined) set.notes = patch.notes ?? null;
    if (patch.watchEverywhere !== undefined) set.watchEverywhere = patch.watchEverywhere ? 1 : 0;
    await this.repo.update(id, set);
    await this.audit.record(ctx, 'perpetrator.update', { type: 'perpetrator', id }, { fields: Object.keys(patch) });
    await this.watchlistChanged();
    const photos = await this.repo.photos(id);
    return toDto((await this.repo.get(id))!, photos.length);
  }

  /** Purges the profile, its photos (files too) and embeddings, and the false-positive alerts that name them. */
  async delete(ctx: AuditContext, id: string): Promise<void> {
    const p = await this.repo.get(id);
    if (!p) throw notFound('perpetrator', id);
    await this.repo.delete(id);
    await this.photos.removeFolder(id);
    const forgotten = await this.forgetAlerts(id);
    await this.audit.record(
      ctx,
      'perpetrator.delete',
      { type: 'perpetrator', id },
      {
        name: p.name,
        purged: ['photos', 'embeddings', 'false-positive alerts'],
        falsePositiveAlerts: forgotten.alerts,
        evidenceFiles: forgotten.evidenceFiles,
      },
    );
    await this.watchlistChanged();
  }

  /**
   * Enrols one photo: it must be an image (by its bytes) with exactly one usable
   * face; otherwise 415/422 with the reason, and nothing is stored.
   */
  async addPhoto(ctx: AuditContext, id: string, bytes: Buffer) {
    const p = await this.repo.get(id);
    if (!p) throw notFound('perpetrator', id);
    const type = imageTypeOf(bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if ((await this.repo.photos(id)).some((ph) => ph.sha256 === sha))
      throw conflict('this photo is already enrolled for this perpetrator');
    const enroller = await this.faceModels();
    const r = await enroller.enrol(bytes);
    if (!r.ok) {
      await this.audit.record(ctx, 'perpetrator.photo.rejected', { type: 'perpetrator', id }, { reason: r.reason });
      throw new HttpProblem(422, 'Unprocessable Content', `photo not enrolled: ${r.message}`, {
        reason: r.reason,
        ...(r.box ? { box: r.box } : {}),
      });
    }
    const stored = await this.photos.put(id, bytes, type.ext);
    const now = Date.now();
    const photo: PhotoTable = {
      id: newId('pho'),
      perpetratorId: id,
      sha256: stored.sha256,
      mime: type.mime,
      width: r.width,
      height: r.height,
      faceBox: JSON.stringify(r.box),
      path: stored.path,
      createdAt: now,
      quality: JSON.stringify(r.quality),
      gateRefusal: null,
    };
    await this.repo.insertPhotoWithEmbedding(photo, {
      id: newId('emb'),
      perpetratorId: id,
      photoId: photo.id,
      embedder: enroller.embedderId,
      descriptor: JSON.stringify(r.descriptor),
      createdAt: now,
    });
    await this.audit.record(
      ctx,
      'perpetrator.photo.enrol',
      { type: 'perpetrator', id },
      { photoId: photo.id, sha256: stored.sha256 },
    );
    await this.watchlistChanged();
    return photoDto(photo);
  }

  /**
   * The faces in an image and whether it could be enrolled, before anything is saved:
   * same checks as enrolment (415 not an image, 422 unreadable), nothing stored, and
   * audited because a face in an upload is biometric data.
   */
  async checkFaces(ctx: AuditContext, bytes: Buffer) {
    imageTypeOf(bytes);
    const r = await (await this.faceModels()).check(bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.audit.record(
      ctx,
      'faces.detect',
      { type: 'upload', id: sha256 },
      { faces: r.ok ? r.faces.length : null, reason: r.ok ? null : r.reason },
    );
    if (!r.ok)
      throw new HttpProblem(422, 'Unprocessable Content', `no faces checked: ${r.message}`, { reason: r.reason });
    return {
      width: r.width,
      height: r.height,
      faces: r.faces,
      enrolment: r.enrolment.ok
        ? { ok: true, reason: null, message: 'one human face, good enough to identify', quality: r.enrolment.quality }
        : r.enrolment,
    };
  }

  private async faceModels(): Promise<FaceEnroller> {
    try {
      return await this.enroller();
    } catch (err) {
      if (err instanceof FaceModelsUnavailableError) throw new HttpProblem(503, 'Service Unavailable', err.message);
      throw err;
    }
  }

  /**
   * Runs today's enrolment gate over every enrolled photo (those enrolled before the gate,
   * or before its rule was tightened): a photo that passes gets its quality, one that
   * fails is flagged with the reason and stays enrolled (an operator decides whether to
   * replace it).
   */
  async recheckPhotos(ctx: AuditContext) {
    const enroller = await this.faceModels();
    const pending = await this.repo.allPhotos();
    let flagged = 0;
    for (const photo of pending) {
      const r = await enroller.enrol(await this.photos.read(photo.path));
      if (r.ok) await this.repo.setPhotoGate(photo.id, JSON.stringify(r.quality), null);
      else {
        flagged++;
        await this.repo.setPhotoGate(photo.id, null, r.message);
      }
    }
    await this.audit.record(ctx, 'faces.recheck', { type: 'photos' }, { checked: pending.length, flagged });
    return { checked: pending.length, flagged };
  }

  async photoBytes(ctx: AuditContext, id: string, photoId: string) {
    const photo = await this.repo.photo(id, photoId);
    if (!photo) throw notFound('photo', photoId);
    let data: Buffer;
    try {
      data = await this.photos.read(photo.path, photo.sha256);
    } catch (err) {
      if (!(err instanceof TamperedFileError)) throw err;
      throw await refuseTampered(this.log, this.audit, ctx, {
        kind: 'photo',
        what: `photo ${photoId} of perpetrator ${id}`,
        target: { type: 'perpetrator', id },
        detail: { photoId, sha256: photo.sha256 },
      });
    }
    await this.audit.record(ctx, 'perpetrator.photo.read', { type: 'perpetrator', id }, { photoId });
    return { mime: photo.mime, sha256: photo.sha256, data };
  }

  async deletePhoto(ctx: AuditContext, id: string, photoId: string): Promise<void> {
    const photo = await this.repo.photo(id, photoId);
    if (!photo) throw notFound('photo', photoId);
    await this.repo.deletePhoto(photoId);
    await this.photos.remove(photo.path);
    await this.audit.record(ctx, 'perpetrator.photo.delete', { type: 'perpetrator', id }, { photoId });
    await this.watchlistChanged();
  }
}

/** The image type by content; 400 for no body, 415 (reason not_an_image) for anything else. */
function imageTypeOf(bytes: unknown) {
  if (!Buffer.isBuffer(bytes) || bytes.length === 0)
    throw new HttpProblem(400, 'Bad Request', 'send the photo bytes as the request body');
  const type = sniffImage(bytes);
  if (!type)
    throw new HttpProblem(
      415,
      'Unsupported Media Type',
      'the body is not a JPEG, PNG or WebP image (checked by content)',
      { reason: 'not_an_image' },
    );
  return type;
}
