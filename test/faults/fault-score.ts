/**
 * Scores a fault run: which appearances of the enrolled person the pipeline should
 * have alerted on, which alerts and webhooks it produced, and how late. Pure, so
 * its unit test pins the rules the e2e suite and bench:faults both report.
 */

export interface Interval {
  from: number;
  to: number;
}

/** One fault as it was run: when it started, when everything was back, where cameras could not see. */
export interface Phase {
  name: string;
  start: number;
  end: number;
  /** Per camera: intervals without frames (ingest down, Redis down). */
  blind: Record<string, Interval[]>;
  /** The kill target: extra delay of its appearances must stay within it (null: reported only). */
  targetMs: number | null;
  /** Cameras that must have raised camera.offline during the phase. */
  expectOffline: string[];
  /** When the fault struck (the kill, Redis or the receiver gone); null: the baseline. */
  faultAt?: number | null;
}

export interface AppearanceWindow {
  /** Offsets within a loop of the footage, ms: the person in view, and their face visible. */
  personFrom: number;
  personTo: number;
  faceFrom: number;
  faceTo: number;
  loopMs: number;
}

export interface AlertSeen {
  id: string;
  kind: string;
  cameraId: string | null;
  firstSeen: number;
  createdAt: number;
}

export interface WebhookSeen {
  at: number;
  event: string;
  deliveryId: string;
  alertId: string;
}

export interface Appearance {
  cameraId: string;
  loop: number;
  faceFrom: number;
  faceTo: number;
  /** Face visible while the pipeline could see, for at least minVisibleMs. */
  expected: boolean;
  alerts: string[];
  /** Each alert's first sighting, ms after the face became visible (explains a duplicate). */
  sightingsMs: number[];
  /** When each alert was created, ms after the face became visible (pipeline vs delivery delay). */
  createdMs: number[];
  /** Distinct deliveries of alert.created for its alerts (a redelivery under one id counts once). */
  deliveries: number;
  deliveredAt: number | null;
  /** Delivery time minus the face's first visible moment, ms. */
  delayMs: number | null;
}

export interface PhaseReport {
  fault: string;
  faultAt: number | null;
  appearances: number;
  expected: number;
  alerts: number;
  webhooks: number;
  lost: number;
  duplicated: number;
  worstDelayMs: number | null;
  worstExtraDelayMs: number | null;
  targetMs: number | null;
  offlineRaised: string[];
  offlineMissing: string[];
  details: Appearance[];
}

export interface ScoreInput {
  window: AppearanceWindow;
  publishedAt: Record<string, number>;
  phases: Phase[];
  alerts: AlertSeen[];
  webhooks: WebhookSeen[];
  /** Delay without faults, ms (the baseline phase's median). */
  baselineMs: number;
  /** How long a face must be visible to the pipeline to count (votes need a few frames). */
  minVisibleMs?: number;
}

/** Face time not covered by blind intervals, ms. */
export function visibleMs(face: Interval, blind: Interval[]): number {
  let covered = 0;
  const sorted = [...blind].sort((a, b) => a.from - b.from);
  let cursor = face.from;
  for (const b of sorted) {
    const from = Math.max(b.from, cursor);
    const to = Math.min(b.to, face.to);
    if (to > from) {
      covered += to - from;
      cursor = to;
    }
  }
  return face.to - face.from - covered;
}

/** The loop of camera `cameraId` a sighting at `ts` belongs to. */
export const loopOf = (ts: number, publishedAt: number, loopMs: number) => Math.floor((ts - publishedAt) / loopMs);

/** Appearances of every camera whose face became visible within [from, to). */
export function appearancesBetween(
  window: AppearanceWindow,
  publishedAt: Record<string, number>,
  from: number,
  to: number,
): { cameraId: string; loop: number; face: Interval }[] {
  const out: { cameraId: string; loop: number; face: Interval }[] = [];
  for (const [cameraId, p] of Object.entries(publishedAt)) {
    for (let k = Math.max(0, Math.floor((from - p) / window.loopMs)); ; k++) {
      const face = { from: p + k * window.loopMs + window.faceFrom, to: p + k * window.loopMs + window.faceTo };
      if (face.from >= to) break;
      if (face.from >= from) out.push({ cameraId, loop: k, face });
    }
  }
  return out.sort((a, b) => a.face.from - b.face.from);
}

/** Per phase: appearances, alerts, webhooks, lost, duplicated, worst delay, offline alerts. */
export function scorePhases(input: ScoreInput): PhaseReport[] {
  const { window, publishedAt } = input;
  const minVisible = input.minVisibleMs ?? 2000;
  const matches = input.alerts.filter((a) => a.kind === 'match' && a.cameraId);
  const created = input.webhooks.filter((w) => w.event === 'alert.created');
  return input.phases.map((phase) => {
    const details = appearancesBetween(window, publishedAt, phase.start, phase.end).map(
      ({ cameraId, loop, face }): Appearance => {
        const mine = matches.filter(
          (a) => a.cameraId === cameraId && loopOf(a.firstSeen, publishedAt[cameraId]!, window.loopMs) === loop,
        );
        const hooks = created.filter((w) => mine.some((a) => a.id === w.alertId));
        const deliveredAt = hooks.length ? Math.min(...hooks.map((w) => w.at)) : null;
        return {
          cameraId,
          loop,
          faceFrom: face.from,
          faceTo: face.to,
          expected: visibleMs(face, phase.blind[cameraId] ?? []) >= minVisible,
          alerts: mine.map((a) => a.id),
          sightingsMs: mine.map((a) => a.firstSeen - face.from),
          createdMs: mine.map((a) => a.createdAt - face.from),
          deliveries: new Set(hooks.map((w) => w.deliveryId)).size,
          deliveredAt,
          delayMs: deliveredAt === null ? null : deliveredAt - face.from,
        };
      },
    );
    const expected = details.filter((d) => d.expected);
    const delays = details.filter((d) => d.delayMs !== null).map((d) => d.delayMs!);
    const worst = delays.length ? Math.max(...delays) : null;
    const offline = input.alerts.filter(
      (a) => a.kind === 'camera_offline' && a.createdAt >= phase.start && a.createdAt < phase.end,
    );
    const offlineRaised = [...new Set(offline.map((a) => a.cameraId!))].sort();
    return {
      fault: phase.name,
      faultAt: phase.faultAt ?? null,
      appearances: details.length,
      expected: expected.length,
      alerts: details.reduce((n, d) => n + d.alerts.length, 0),
      webhooks: details.reduce((n, d) => n + d.deliveries, 0),
      lost: expected.filter((d) => d.alerts.length === 0 || d.deliveries === 0).length,
      duplicated: details.filter((d) => d.alerts.length > 1 || d.deliveries > d.alerts.length).length,
      worstDelayMs: worst,
      worstExtraDelayMs: worst === null ? null : Math.max(0, worst - input.baselineMs),
      targetMs: phase.targetMs,
      offlineRaised,
      offlineMissing: phase.expectOffline.filter((c) => !offlineRaised.includes(c)),
      details,
    };
  });
}

/** The median of the baseline phase's delays (the pipeline's own latency without faults). */
export function baselineDelay(report: PhaseReport): number {
  const d = report.details
    .map((a) => a.delayMs)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  if (!d.length) throw new Error('no delivered alert in the baseline phase: the pipeline never alerted');
  return d[Math.floor(d.length / 2)]!;
}
