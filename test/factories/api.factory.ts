import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { MatchEvent } from '../../pipeline/events.js';
import type { OfficerTable } from '../../storage/database/database.types.js';

const HOUR = 3600_000;

export const caseInput = (over: Record<string, unknown> = {}) => ({
  victimRef: `V-${randomBytes(3).toString('hex')}`,
  residence: '12 Example Road',
  district: 'north',
  riskLevel: 'very_high',
  windowEnd: Date.now() + 24 * HOUR,
  ...over,
});

export const shiftNow = (officerId: string, over: Record<string, unknown> = {}) => ({
  officerId,
  startsAt: Date.now() - HOUR,
  endsAt: Date.now() + 8 * HOUR,
  ...over,
});

/** A real JPEG (a grey frame with a lighter block where the "person" stands). */
export async function frameJpeg(width = 640, height = 360): Promise<Buffer> {
  const block = await sharp({
    create: { width: 120, height: 240, channels: 3, background: { r: 200, g: 180, b: 160 } },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: { r: 60, g: 70, b: 80 } } })
    .composite([{ input: block, left: 260, top: 60 }])
    .jpeg({ quality: 80 })
    .toBuffer();
}

export function matchEvent(over: Partial<MatchEvent> & Pick<MatchEvent, 'cameraId' | 'perpetratorId'>): MatchEvent {
  const now = Date.now();
  const { best, ...rest } = over;
  return {
    type: 'match',
    eventId: `evt-${randomBytes(6).toString('hex')}`,
    trackId: `t-${randomBytes(3).toString('hex')}`,
    name: 'Test Person',
    distance: 0.41,
    scores: [{ ts: now - 200, seq: 10, distance: 0.43, faceBox: [280, 70, 340, 140] }],
    best: {
      frameKey: 'missing-frame',
      ts: now - 200,
      seq: 10,
      personBox: [260, 60, 380, 300],
      faceBox: [280, 70, 340, 140],
      faceCropKey: null,
      ...best,
    },
    firstSeen: now - 1000,
    lastSeen: now,
    galleryVersion: 1,
    ...rest,
  };
}

/** An officer (or guard) row, for keys bound to an officer without going through the API. */
export const responderRow = (over: Partial<OfficerTable> & Pick<OfficerTable, 'name' | 'district'>): OfficerTable => ({
  id: `off_${randomBytes(6).toString('hex')}`,
  kind: 'officer',
  badge: `B-${randomBytes(3).toString('hex')}`,
  caseId: null,
  supervisor: 0,
  webhookUrl: null,
  webhookSecret: null,
  createdAt: Date.now(),
  ...over,
});
