/**
 * The API resources as the dashboard reads them: inferred from the API's own zod
 * schemas (type-only imports, erased at build), so tsc flags any drift between
 * the page and the server.
 */
import type { z } from 'zod';
import type { alertDetailSchema, alertSchema, evidenceSchema } from '../../../alerting/alert.dto.js';
import type { cameraSchema } from '../../dto/camera.dto.js';
import type { caseCreatedSchema, caseSchema } from '../../dto/case.dto.js';
import type { officerSchema, officerWithSecretSchema, onDutySchema, shiftSchema } from '../../dto/officer.dto.js';
import type { perpetratorDetailSchema, perpetratorSchema, photoSchema } from '../../dto/perpetrator.dto.js';
import type { replayFixtureSchema, replaySchema, replayTrackSchema } from '../../dto/replay.dto.js';
import type { Role } from './api-client.js';

export type Box = [number, number, number, number];

export interface Me {
  id: string;
  name: string;
  role: Role;
}

export type Alert = z.infer<typeof alertSchema>;
export type AlertDetail = z.infer<typeof alertDetailSchema>;
export type Evidence = z.infer<typeof evidenceSchema>;
export type AlertState = Alert['state'];
export type Camera = z.infer<typeof cameraSchema>;
export type CameraState = Camera['status']['state'];
export type Case = z.infer<typeof caseSchema>;
export type CaseCreated = z.infer<typeof caseCreatedSchema>;
export type Officer = z.infer<typeof officerSchema>;
export type OfficerWithSecret = z.infer<typeof officerWithSecretSchema>;
export type Shift = z.infer<typeof shiftSchema>;
export type OnDuty = z.infer<typeof onDutySchema>;
export type Perpetrator = z.infer<typeof perpetratorSchema>;
export type PerpetratorDetail = z.infer<typeof perpetratorDetailSchema>;
export type Photo = z.infer<typeof photoSchema>;

export type ReplayFixture = z.infer<typeof replayFixtureSchema>;
export type Replay = z.infer<typeof replaySchema>;
export type ReplayTrack = z.infer<typeof replayTrackSchema>;
