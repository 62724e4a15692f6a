import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { officerCreateSchema, officerUpdateSchema, shiftCreateSchema } from '../dto/officer.dto.js';
import type { OfficerTable, ShiftTable } from '../../storage/database/database.types.js';
import { badRequest, conflict, notFound } from '../../runtime/problem.js';
import type { AuditContext } from '../../audit/audit-context.js';
import { newId } from '../../storage/repositories/ids.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import type { OfficerRepository } from '../../storage/repositories/officer.repository.js';
import type { AuditService } from '../../audit/audit.service.js';

export const officerDto = (o: OfficerTable) => ({
  id: o.id,
  kind: o.kind as 'officer' | 'guard',
  name: o.name,
  badge: o.badge,
  district: o.district,
  caseId: o.caseId,
  supervisor: o.supervisor === 1,
  webhookUrl: o.webhookUrl,
  createdAt: o.createdAt,
});

export const shiftDto = (s: ShiftTable) => ({
  id: s.id,
  officerId: s.officerId,
  district: s.district,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  createdAt: s.createdAt,
});

const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** Responders (police officers of a district, guards of a case's residence) and the duty roster. */
export class OfficerService {
  constructor(
    private readonly repo: OfficerRepository,
    private readonly cases: CaseRepository,
    private readonly audit: AuditService,
  ) {}

  /** A guard works where the case is: its district follows the case's. */
  private async districtOf(input: { kind: string; district?: string; caseId?: string }): Promise<string> {
    if (input.kind !== 'guard') return input.district!;
    const c = await this.cases.get(input.caseId!);
    if (!c) throw badRequest(`unknown case id: ${input.caseId}`);
    return c.district;
  }

  async create(ctx: AuditContext, input: z.output<typeof officerCreateSchema>) {
    const row: OfficerTable = {
      id: newId(input.kind === 'guard' ? 'grd' : 'off'),
      kind: input.kind,
      name: input.name,
      badge: input.badge,
      district: await this.districtOf(input),
      caseId: input.kind === 'guard' ? input.caseId! : null,
      supervisor: input.supervisor ? 1 : 0,
      webhookUrl: input.webhookUrl,
      webhookSecret: input.webhookUrl ? newWebhookSecret() : null,
      createdAt: Date.now(),
    };
    if (await this.repo.byBadge(input.badge)) throw conflict(`badge '${input.badge}' is already registered`);
    await this.repo.insert(row);
    await this.audit.record(
      ctx,
      'officer.create',
      { type: 'officer', id: row.id },
      { kind: row.kind, caseId: row.caseId },
    );
    return { ...officerDto(row), webhookSecret: row.webhookSecret };
  }

  async get(id: string) {
    const o = await this.repo.get(id);
    if (!o) throw notFound('officer', id);
    return officerDto(o);
  }

  async list(f: Parameters<OfficerRepository['list']>[0]) {
    return (await this.repo.list(f)).map((r) => ({ row: r, dto: officerDto(r) }));
  }

  async update(ctx: AuditContext, id: string, patch: z.output<typeof officerUpdateSchema>) {
    const o = await this.repo.get(id);
    if (!o) throw notFound('officer', id);
    const set: Partial<OfficerTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (o.kind === 'guard' && (patch.district !== undefined || patch.supervisor))
      throw badRequest("a guard's district is its case's, and guards are not supervisors");
    if (patch.district !== undefined) set.district = patch.district;
    if (patch.supervisor !== undefined) set.supervisor = patch.supervisor ? 1 : 0;
    let secret: string | null = null;
    if (patch.webhookUrl !== undefined) {
      set.webhookUrl = patch.webhookUrl;
      if (patch.webhookUrl && !o.webhookSecret) secret = set.webhookSecret = newWebhookSecret();
      if (!patch.webhookUrl) set.webhookSecret = null;
    }
    await this.repo.update(id, set);
    await this.audit.record(ctx, 'officer.update', { type: 'officer', id }, { fields: Object.keys(patch) });
    return { ...(await this.get(id)), webhookSecret: secret };
  }

  async rotateSecret(ctx: AuditContext, id: string) {
    const o = await this.repo.get(id);
    if (!o) throw notFound('officer', id);
    if (!o.webhookUrl) throw badRequest('the officer has no webhook URL');
    const secret = newWebhookSecret();
    await this.repo.update(id, { webhookSecret: secret });
    await this.audit.record(ctx, 'officer.webhook_secret.rotate', { type: 'officer', id });
    return { ...officerDto(o), webhookSecret: secret };
  }

  async delete(ctx: AuditContext, id: string): Promise<void> {
    if (!(await this.repo.get(id))) throw notFound('officer', id);
    await this.repo.delete(id);
    await this.audit.record(ctx, 'officer.delete', { type: 'officer', id });
  }

  async addShift(ctx: AuditContext, input: z.output<typeof shiftCreateSchema>) {
    const o = await this.repo.get(input.officerId);
    if (!o) throw badRequest(`unknown officer id: ${input.officerId}`);
    const row: ShiftTable = {
      id: newId('sft'),
      officerId: o.id,
      district: input.district ?? o.district,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      createdAt: Date.now(),
    };
    await this.repo.insertShift(row);
    await this.audit.record(
      ctx,
      'shift.create',
      { type: 'shift', id: row.id },
      { officerId: o.id, district: row.district },
    );
    return shiftDto(row);
  }

  async shifts(f: { from?: number; to?: number; district?: string; officerId?: string }) {
    const from = f.from ?? Date.now();
    const to = f.to ?? from + 24 * 3600_000;
    return (await this.repo.shifts({ from, to, district: f.district, officerId: f.officerId, limit: 1000 })).map(
      shiftDto,
    );
  }

  async deleteShift(ctx: AuditContext, id: string): Promise<void> {
    if (!(await this.repo.shift(id))) throw notFound('shift', id);
    await this.repo.deleteShift(id);
    await this.audit.record(ctx, 'shift.delete', { type: 'shift', id });
  }
}
