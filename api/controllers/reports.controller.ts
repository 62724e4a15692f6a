import type { Core } from '../core.js';
import { programmeReportQuery, programmeReportSchema } from '../dto/report.dto.js';
import { defineRoute, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';
import { programmeReportRows } from '../../pipeline/programme-report.js';
import { toCsv } from '../../pipeline/csv.js';

export function reportRoutes({ services }: Core): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/reports/programme',
      roles: CAN.readReports,
      tag: 'reports',
      summary: 'The programme in a period: cases and sessions, alerts, confirmed sightings, outcomes, step times',
      description:
        "Median and p90 times run from the sighting to the operator's confirmation, the first acknowledgement " +
        'and the resolution. `?format=csv` answers the same as `section,metric,value` rows.',
      query: programmeReportQuery,
      responses: {
        200: { description: 'the report (or CSV with ?format=csv)', schema: programmeReportSchema },
      },
      handler: async ({ query, audit, res }) => {
        const report = await services.reports.programme(audit, query.from, query.to);
        if (query.format === 'json') return report;
        const day = (t: number) => new Date(t).toISOString().slice(0, 10);
        res
          .status(200)
          .type('text/csv')
          .set('content-disposition', `attachment; filename="programme-${day(report.from)}-${day(report.to)}.csv"`)
          .send(toCsv(['section', 'metric', 'value'], programmeReportRows(report)));
      },
    }),
  ];
}
