import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { caseCreateSchema, caseUpdateSchema } from '../dto/case.dto.js';
import type { CaseTable } from '../../storage/database/database.types.js';
import { badRequest, notFound } from '../../runtime/problem.js';
import type { AuditContext } from '../../audit/audit-context.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import { newId } from '../../storage/repositories/ids.js';
import type { OfficerRepository } from '../../storage/repositories/officer.repository.js';
import type { AuditService } from '../../audit/audit.service.js';
import { hashSecret } from './auth.service.js';
import { isValidTimezone, MAX_WINDOW_MS, parseSchedule, scheduleState } from '../../pipeline/protection-window.js';

export function caseDto(c: CaseTable, perpetratorIds: string[], now = Date.now()) {
  const schedule = parseSchedule(c);
  const state = scheduleState(schedule, now);
  return {
    id: c.id,
    victimRef: c.victimRef,
    residence: c.residence,
    district: c.district,
    riskLevel: c.riskLevel as 'standard' | 'medium' | 'high' | 'very_high',
    perpetratorIds,
    windowStart: c.windowStart,
    windowEnd: c.windowEnd,
    activeHours: schedule.activeHours,
    timezone: c.timezone,
    status: c.status as 'open' | 'closed',
    protection: state.active ? { active: true } : { active: false, reason: state.reason },
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

const newSosToken = () => `sos_${randomBytes(24).toString('base64url')}`;

/** Protection cases: who is protected where, against whom, and when alerts are raised. */
export class CaseService {
  constructor(
    private readonly repo: CaseRepository,
    private readonly officers: OfficerRepository,
    private readonly audit: AuditService,
    private readonly watchlistChanged: () => Promise<void>,
  ) {}

  private async checkPerpetrators(ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const found = await this.repo.existingPerpetrators(unique);
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length) throw badRequest(`unknown perpetrator ids: ${missing.join(', ')}`);
    return unique;
  }

  private checkWindow(start: number, end: number) {
    if (end <= start) throw badRequest('windowEnd must be after windowStart');
    if (end - start > MAX_WINDOW_MS) throw badRequest('a protection window lasts at most 14 days; renew it to extend');
  }

  async create(ctx: AuditContext, input: z.output<typeof caseCreateSchema>) {
    if (!isValidTimezone(input.timezone)) throw badRequest(`unknown timezone '${input.timezone}'`);
    const now = Date.now();
    const windowStart = input.windowStart ?? now;
    this.checkWindow(windowStart, input.windowEnd);
    const perpetratorIds = await this.checkPerpetrators(input.perpetratorIds);
    const sosToken = newSosToken();
    const row: CaseTable = {
      id: newId('case'),
      victimRef: input.victimRef,
      residence: input.residence,
      district: input.district,
      riskLevel: input.riskLevel,
      windowStart,
      windowEnd: input.windowEnd,
      activeHours: input.activeHours ? JSON.stringify(input.activeHours) : null,
      timezone: input.timezone,
      status: 'open',
      sosTokenHash: hashSecret(sosToken),
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insert(row, perpetratorIds);
    await this.audit.record(ctx, 'case.create', { type: 'case', id: row.id }, { perpetratorIds });
    await this.watchlistChanged();
    return { ...caseDto(row, perpetratorIds, now), sosToken };
  }

  async get(id: string) {
    const c = await this.repo.get(id);
    if (!c) throw notFound('case', id);
    return caseDto(c, (await this.repo.links([id])).get(id) ?? []);
  }

  async list(f: Parameters<CaseRepository['list']>[0]) {
    const rows = await this.repo.list(f);
    const links = await this.repo.links(rows.map((r) => r.id));
    return rows.map((r) => ({ row: r, dto: caseDto(r, links.get(r.id) ?? []) }));
  }

  async update(ctx: AuditContext, id: string, patch: z.output<typeof caseUpdateSchema>) {
    const c = await this.repo.get(id);
    if (!c) throw notFound('case', id);
    if (patch.timezone !== undefined && !isValidTimezone(patch.timezone))
      throw badRequest(`unknown timezone '${patch.timezone}'`);
    const { perpetratorIds, activeHours, ...rest } = patch;
    const set: Partial<CaseTable> = { ...rest, updatedAt: Date.now() };
    if (activeHours !== undefined) set.activeHours = activeHours ? JSON.stringify(activeHours) : null;
    await this.repo.update(id, set, perpetratorIds ? await this.checkPerpetrators(perpetratorIds) : undefined);
    await this.audit.record(ctx, 'case.update', { type: 'case', id }, { fields: Object.keys(patch) });
    await this.watchlistChanged();
    return this.get(id);
  }

  /** Extends the protection window (a new session of at most 14 days from now). */
  async renew(ctx: AuditContext, id: string, windowEnd: number) {
    const c = await this.repo.get(id);
    if (!c) throw notFound('case', id);
    const now = Date.now();
    if (windowEnd <= now) throw badRequest('windowEnd must be in the future');
    if (windowEnd - now > MAX_WINDOW_MS) throw badRequest('a protection session lasts at most 14 days from now');
    const windowStart = c.windowEnd > now && c.windowStart <= now ? c.windowStart : now;
    await this.repo.update(id, { windowStart, windowEnd, status: 'open', updatedAt: now });
    await this.audit.record(ctx, 'case.renew', { type: 'case', id }, { windowStart, windowEnd });
    await this.watchlistChanged();
    return this.get(id);
  }

  async rotateSosToken(ctx: AuditContext, id: string) {
    const c = await this.repo.get(id);
    if (!c) throw notFound('case', id);
    const sosToken = newSosToken();
    await this.repo.update(id, { sosTokenHash: hashSecret(sosToken), updatedAt: Date.now() });
    await this.audit.record(ctx, 'case.sos_token.rotate', { type: 'case', id });
    return { sosToken };
  }

  async delete(ctx: AuditContext, id: string): Promise<void> {
    const c = await this.repo.get(id);
    if (!c) throw notFound('case', id);
    await this.repo.delete(id);
    await this.audit.record(ctx, 'case.delete', { type: 'case', id });
    await this.watchlistChanged();
  }

  /** Responders on duty for the case at `at`: its guards at the residence, and the district's officers. */
  async onDuty(id: string, at = Date.now()) {
    const c = await this.repo.get(id);
    if (!c) throw notFound('case', id);
    const rows = await this.officers.onDuty(c.district, at, c.id);
    return { caseId: id, district: c.district, at, officers: rows };
  }
}
