import { type CoverageGap, coverageGaps } from '../../pipeline/coverage.js';
import { parseSchedule } from '../../pipeline/protection-window.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import type { OfficerRepository } from '../../storage/repositories/officer.repository.js';

const DAY = 24 * 3600_000;

/** Protection hours nobody is rostered for, seen ahead: active cases against the shifts of their district. */
export class CoverageService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly officers: OfficerRepository,
  ) {}

  async gaps(now = Date.now()): Promise<{ from: number; to: number; gaps: CoverageGap[] }> {
    const to = now + DAY;
    const cases = (await this.cases.all()).filter(
      (c) => c.status === 'open' && c.windowEnd > now && c.windowStart < to,
    );
    const shifts = await this.officers.shifts({ from: now, to, limit: 100_000 });
    const gaps = cases.flatMap((c) =>
      coverageGaps(
        { id: c.id, district: c.district, schedule: parseSchedule(c) },
        shifts.filter((s) => s.district === c.district),
        now,
        to,
      ),
    );
    return { from: now, to, gaps: gaps.sort((a, b) => a.from - b.from || a.caseId.localeCompare(b.caseId)) };
  }
}
