import { CAN } from '../../http/roles.js';
import type { Role } from './api-client.js';

/** The API's own role policy (api/http/roles.ts), so the page hides exactly what the server would refuse. */
export type Permission = keyof typeof CAN;

export const can = (role: Role, perm: Permission): boolean => (CAN[perm] as readonly string[]).includes(role);

export type ScreenId = 'alerts' | 'cameras' | 'perpetrators' | 'cases' | 'replays' | 'programme' | 'retention';

export interface ScreenDef {
  id: ScreenId;
  label: string;
  /** Who sees the screen at all. */
  visible: (role: Role) => boolean;
}

export const SCREENS: ScreenDef[] = [
  { id: 'alerts', label: 'Alerts', visible: (r) => can(r, 'readAlerts') },
  { id: 'cameras', label: 'Cameras', visible: (r) => can(r, 'readCameras') },
  { id: 'perpetrators', label: 'Perpetrators', visible: (r) => can(r, 'readBiometrics') },
  { id: 'cases', label: 'Cases & duty', visible: (r) => can(r, 'readCases') },
  // Replays are the analysts' tool; admins see everything.
  { id: 'replays', label: 'Replays', visible: (r) => r === 'analyst' || r === 'admin' },
  { id: 'programme', label: 'Programme', visible: (r) => can(r, 'readReports') },
  { id: 'retention', label: 'Retention', visible: (r) => can(r, 'admin') },
];
