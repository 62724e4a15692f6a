import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { z } from 'zod';
import type { officerCreateSchema, officerUpdateSchema, shiftCreateSchema } from '../dto/officer.dto.js';
import type { OfficerTable, ShiftTable } from '../database/database.types.js';
import { badRequest, conflict, notFound } from '../http/problem.js';
import type { Actor } from '../http/roles.js';
import { newId } from '../repositories/ids.js';
import type { OfficerRepository } from '../repositories/officer.repository.js';
import type { AuditService } from './audit.service.js';

export const officerDto = (o: OfficerTable) => ({
  id: o.id,
  name: o.name,
  badge: o.badge,
  district: o.district,
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

/** Officers and the duty roster (shifts per district). */
export class OfficerService {
  constructor(
    private readonly repo: OfficerRepository,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: z.output<typeof officerCreateSchema>, req?: Request) {
    const row: OfficerTable = {
      id: newId('off'),
      name: input.name,
      badge: input.badge,
      district: input.district,
      supervisor: input.supervisor ? 1 : 0,
      webhookUrl: input.webhookUrl,
      webhookSecret: input.webhookUrl ? newWebhookSecret() : null,
      createdAt: Date.now(),
    };
    if (await this.repo.byBadge(input.badge)) throw conflict(`badge '${input.badge}' is already registered`);
    await this.repo.insert(row);
    await this.audit.record(actor, 'officer.create', { type: 'officer', id: row.id }, undefined, req);
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

  async update(actor: Actor, id: string, patch: z.output<typeof officerUpdateSchema>, req?: Request) {
    const o = await this.repo.get(id);
    if (!o) throw notFound('officer', id);
    const set: Partial<OfficerTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.district !== undefined) set.district = patch.district;
    if (patch.supervisor !== undefined) set.supervisor = patch.supervisor ? 1 : 0;
    let secret: string | null = null;
    if (patch.webhookUrl !== undefined) {
      set.webhookUrl = patch.webhookUrl;
      if (patch.webhookUrl && !o.webhookSecret) secret = set.webhookSecret = newWebhookSecret();
      if (!patch.webhookUrl) set.webhookSecret = null;
    }
    await this.repo.update(id, set);
    await this.audit.record(actor, 'officer.update', { type: 'officer', id }, { fields: Object.keys(patch) }, req);
    return { ...(await this.get(id)), webhookSecret: secret };
  }

  async rotateSecret(actor: Actor, id: string, req?: Request) {
    const o = await this.repo.get(id);
    if (!o) throw notFound('officer', id);
    if (!o.webhookUrl) throw badRequest('the officer has no webhook URL');
    const secret = newWebhookSecret();
    await this.repo.update(id, { webhookSecret: secret });
    await this.audit.record(actor, 'officer.webhook_secret.rotate', { type: 'officer', id }, undefined, req);
    return { ...officerDto(o), webhookSecret: secret };
  }

  async delete(actor: Actor, id: string, req?: Request): Promise<void> {
    if (!(await this.repo.get(id))) throw notFound('officer', id);
    await this.repo.delete(id);
    await this.audit.record(actor, 'officer.delete', { type: 'officer', id }, undefined, req);
  }

  async addShift(actor: Actor, input: z.output<typeof shiftCreateSchema>, req?: Request) {
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
      actor,
      'shift.create',
      { type: 'shift', id: row.id },
      { officerId: o.id, district: row.district },
      req,
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

  async deleteShift(actor: Actor, id: string, req?: Request): Promise<void> {
    if (!(await this.repo.shift(id))) throw notFound('shift', id);
    await this.repo.deleteShift(id);
    await this.audit.record(actor, 'shift.delete', { type: 'shift', id }, undefined, req);
  }
}
