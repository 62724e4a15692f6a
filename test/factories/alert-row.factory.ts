import { newAlertRow } from '../../alerting/alert-ledger.js';
import type { AlertTable } from '../../storage/database/database.types.js';

/** An alert row as the database holds it (a live match, sent to officers), for tests that seed storage directly. */
export const alertRow = (id: string, over: Partial<AlertTable> = {}, now = Date.now()): AlertTable =>
  newAlertRow(id, 'match', now, now, {
    cameraId: 'cam1',
    perpetratorId: 'p1',
    perpetratorName: 'P One',
    distance: 0.4,
    dispatchedAt: now,
    ...over,
  });
