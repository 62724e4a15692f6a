import type { z } from 'zod';
import { type Annotation, annotateJpeg } from '../../runtime/annotate-image.js';
import { redactUrl } from '../../runtime/logger.js';
import type { CameraDetections, CameraStatus } from '../../pipeline/events.js';
import type { cameraCreateSchema, cameraUpdateSchema } from '../dto/camera.dto.js';
import type { CameraTable } from '../../storage/database/database.types.js';
import { badRequest, conflict, HttpProblem, notFound } from '../../runtime/problem.js';
import type { AuditContext } from '../../audit/audit-context.js';
import type { CameraRepository } from '../../storage/repositories/camera.repository.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import { newId } from '../../storage/repositories/ids.js';
import type { PipelineStateRepository } from '../../storage/repositories/pipeline-state.repository.js';
import { WORKER_SILENT_REASON, workerSilent } from '../../pipeline/ingest-silence.js';
import type { AuditService } from '../../audit/audit.service.js';
import { type FaceSize, faceSizeOf } from '../../pipeline/face-size-hint.js';

interface PipelineView {
  statuses: Map<string, CameraStatus | null>;
  faceSizes: Map<string, number[]>;
}

/** user:password never leaves the database: the API answers with the URL redacted. */
export function cameraDto(
  c: CameraTable,
  status: CameraStatus | null | undefined,
  silent = false,
  faceSize: FaceSize | null = null,
) {
  return {
    id: c.id,
    name: c.name,
    url: redactUrl(c.url),
    hasCredentials: redactUrl(c.url) !== c.url,
    caseId: c.caseId,
    fps: c.fps,
    status: status
      ? {
          state: silent ? ('offline' as const) : status.state,
          online: !silent && status.state === 'streaming',
          reason: silent ? WORKER_SILENT_REASON : null,
          lastFrameAt: status.lastFrameAt,
          fps: silent ? 0 : status.fps,
          framesTotal: status.framesTotal,
          framesDropped: status.framesDropped,
          ingestWorker: status.ingestWorker ?? null,
          updatedAt: status.updatedAt,
        }
      : {
          state: 'unknown' as const,
          online: false,
          reason: null,
          lastFrameAt: null,
          fps: null,
          framesTotal: null,
          framesDropped: null,
          ingestWorker: null,
          updatedAt: null,
        },
    faceSize,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export class CameraService {
  constructor(
    private readonly repo: CameraRepository,
    private readonly cases: CaseRepository,
    private readonly pipeline: PipelineStateRepository,
    private readonly audit: AuditService,
    private readonly camerasChanged: () => Promise<void>,
    /** Status older than this while live: the ingest worker is gone (about 3x ingest.offlineSeconds). */
    private readonly staleStatusMs: number,
    /** When a camera's faces are too small to identify (identify.faceSizeHintPx, faceSizeHintSamples). */
    private readonly faceSizeRule: Parameters<typeof faceSizeOf>[1],
  ) {}

  private dto(c: CameraTable, seen: PipelineView) {
    const status = seen.statuses.get(c.id);
    const widths = seen.faceSizes.get(c.id) ?? [];
    return cameraDto(
      c,
      status,
      workerSilent(status, Date.now(), this.staleStatusMs),
      faceSizeOf(widths, this.faceSizeRule),
    );
  }

  /** What the pipeline says of each camera; unknown (not an error) while Redis is down. */
  private async seen(ids: string[]): Promise<PipelineView> {
    try {
      const [statuses, faceSizes] = await Promise.all([
        this.pipeline.cameraStatuses(ids),
        this.pipeline.cameraFaceSizes(ids),
      ]);
      return { statuses, faceSizes };
    } catch {
      return { statuses: new Map(), faceSizes: new Map() };
    }
  }

  private async checkCase(caseId: string | null | undefined) {
    if (caseId && !(await this.cases.get(caseId))) throw badRequest(`unknown case id: ${caseId}`);
  }

  async create(ctx: AuditContext, input: z.output<typeof cameraCreateSchema>) {
    await this.checkCase(input.caseId);
    const id = input.id ?? newId('cam');
    if (await this.repo.get(id)) throw conflict(`camera '${id}' already exists`);
    const now = Date.now();
    const row: CameraTable = {
      id,
      name: input.name,
      url: input.url,
      caseId: input.caseId,
      fps: input.fps,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insert(row);
    await this.audit.record(ctx, 'camera.create', { type: 'camera', id }, { caseId: row.caseId });
    await this.camerasChanged();
    return cameraDto(row, null);
  }

  async get(id: string) {
    const c = await this.repo.get(id);
    if (!c) throw notFound('camera', id);
    return this.dto(c, await this.seen([id]));
  }

  async list(f: Parameters<CameraRepository['list']>[0]) {
    const rows = await this.repo.list(f);
    const seen = await this.seen(rows.map((r) => r.id));
    return rows.map((r) => ({ row: r, dto: this.dto(r, seen) }));
  }

  /**
   * The JPEG the ingest worker stored last (frames expire after a few seconds, so a dead
   * camera has none). With `boxes`: the last frame the detect worker finished instead,
   * with its tracked people drawn (the latest frame itself when that one has expired).
   */
  async latestFrame(
    id: string,
    opts: { boxes?: boolean; regions?: boolean } = {},
  ): Promise<{ jpeg: Buffer; ts: number | null; persons: number | null }> {
    if (!(await this.repo.get(id))) throw notFound('camera', id);
    const seen = opts.boxes ? await this.redisRead(() => this.pipeline.cameraDetections(id)) : null;
    const detected = seen ? await this.redisRead(() => this.pipeline.frames.get(seen.frameKey)) : null;
    if (seen && detected) {
      const annotations: Annotation[] = seen.persons.map((p) => ({
        box: p.box,
        label: `track ${p.trackId.split('-').pop()}`,
        kind: 'person' as const,
      }));
      // The regions the detector examined (detect.regions): the whole street, or only its middle?
      if (opts.regions)
        annotations.unshift(...seen.regions.map((box) => ({ box, label: '', kind: 'region' as const })));
      return { jpeg: await annotateJpeg(detected, seen, annotations), ts: seen.ts, persons: seen.persons.length };
    }
    const status = await this.redisRead(async () => (await this.pipeline.cameraStatuses([id])).get(id));
    const frame = status?.latestFrameKey
      ? await this.redisRead(() => this.pipeline.frames.get(status.latestFrameKey!))
      : null;
    if (!frame)
      throw new HttpProblem(
        404,
        'Not Found',
        `camera '${id}' has no recent frame (it is not streaming, or its ingest worker is not running)`,
      );
    return { jpeg: frame, ts: status?.lastFrameAt ?? null, persons: null };
  }

  /** The people the detect worker tracked on the camera's last detected live frame. */
  async detections(id: string): Promise<CameraDetections> {
    if (!(await this.repo.get(id))) throw notFound('camera', id);
    const seen = await this.redisRead(() => this.pipeline.cameraDetections(id));
    if (!seen)
      throw new HttpProblem(
        404,
        'Not Found',
        `camera '${id}' has no recent detections (it is not streaming, or no detect worker is running)`,
      );
    return seen;
  }

  private async redisRead<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch {
      throw new HttpProblem(
        503,
        'Service Unavailable',
        'Redis is unreachable, so the latest frame cannot be read now; retry shortly',
      );
    }
  }

  async update(ctx: AuditContext, id: string, patch: z.output<typeof cameraUpdateSchema>) {
    if (!(await this.repo.get(id))) throw notFound('camera', id);
    await this.checkCase(patch.caseId);
    await this.repo.update(id, { ...patch, updatedAt: Date.now() });
    await this.audit.record(ctx, 'camera.update', { type: 'camera', id }, { fields: Object.keys(patch) });
    await this.camerasChanged();
    return this.get(id);
  }

  async delete(ctx: AuditContext, id: string): Promise<void> {
    if (!(await this.repo.get(id))) throw notFound('camera', id);
    await this.repo.delete(id);
    await this.audit.record(ctx, 'camera.delete', { type: 'camera', id });
    await this.camerasChanged();
  }
}
