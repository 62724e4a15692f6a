import type { FootageTruth, TruthAppearance } from './truth.js';
import type { ReplayTimeline, TimelineAlert } from './timeline.js';

export interface EvaluationOptions {
  /**
   * Slack around an appearance when matching an alert to it, in seconds (default 0.5):
   * sampled frames and track boundaries do not fall exactly on the truth's frames.
   */
  alertToleranceSec?: number;
  /** Slack around a track's start and end when it covers truth frames (default: one truth frame). */
  frameToleranceSec?: number;
}

export interface AppearanceResult {
  appearanceId: string;
  /** When the face was first entirely in view (or the person, when the face never is). */
  visibleFrom: number;
  firstAlertAt: number | null;
  /** firstAlertAt - visibleFrom; negative when an alert came while the face was still partly out of view. */
  timeToFirstAlert: number | null;
}

export interface IdentityEvaluation {
  identity: string;
  /** In the gallery the truth names (false: an alert named someone the truth does not know). */
  enrolled: boolean;
  appearances: number;
  appearancesAlerted: number;
  /** Share of appearances with at least one alert for this identity; null without appearances. */
  appearanceRecall: number | null;
  alerts: number;
  /** Alerts during an appearance of this identity (first per appearance). */
  correctAlerts: number;
  /** Further alerts during an appearance that already had one: right person, but noise for officers. */
  duplicateAlerts: number;
  /** Alerts while this identity was not in view. */
  falseAlerts: number;
  /** (correct + duplicate) / alerts; null without alerts. */
  precision: number | null;
  /** Frames with this identity's face in view that a track named with this identity spans. */
  frameRecall: number | null;
  /** Frames spanned by tracks named with this identity in which it is in view. */
  framePrecision: number | null;
  timeToFirstAlert: { mean: number; max: number } | null;
  falseAlertsPerHour: number;
  perAppearance: AppearanceResult[];
}

export interface Evaluation {
  fixture: string;
  durationSec: number;
  identities: IdentityEvaluation[];
  totals: { alerts: number; falseAlerts: number; falseAlertsPerHour: number };
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

function within(t: number, a: TruthAppearance, tol: number): boolean {
  return t >= a.start - tol && t <= a.end + tol;
}

function evaluateIdentity(
  name: string,
  truth: FootageTruth,
  timeline: ReplayTimeline,
  alerts: TimelineAlert[],
  alertTol: number,
  frameTol: number,
): IdentityEvaluation {
  const appearances = truth.appearances.filter((a) => a.identity === name).sort((a, b) => a.start - b.start);
  const mine = alerts.filter((a) => a.identity.name === name).sort((a, b) => a.t - b.t);
  const firstAlert = new Map<string, number>();
  let duplicateAlerts = 0;
  let falseAlerts = 0;
  for (const alert of mine) {
    const hit = appearances.find((a) => within(alert.t, a, alertTol));
    if (!hit) falseAlerts++;
    else if (firstAlert.has(hit.id)) duplicateAlerts++;
    else firstAlert.set(hit.id, alert.t);
  }
  const perAppearance = appearances.map((a): AppearanceResult => {
    const visibleFrom = a.faceStart ?? a.start;
    const at = firstAlert.get(a.id) ?? null;
    return {
      appearanceId: a.id,
      visibleFrom,
      firstAlertAt: at,
      timeToFirstAlert: at === null ? null : round(at - visibleFrom),
    };
  });
  const ttfa = perAppearance.flatMap((p) => (p.timeToFirstAlert === null ? [] : [p.timeToFirstAlert]));

  // Frames are counted once each, however many tracks overlap them.
  const named = timeline.tracks.filter((t) => t.identity?.name === name);
  const spanned = (t: number) => named.some((tr) => t >= tr.start - frameTol && t <= tr.end + frameTol);
  const faceFrames = new Set(appearances.flatMap((a) => a.frames.filter((f) => f.faceBox).map((f) => f.i)));
  const inView = new Set(appearances.flatMap((a) => a.frames.map((f) => f.i)));
  let covered = 0;
  for (const i of faceFrames) if (spanned(i / truth.fps)) covered++;
  let predicted = 0;
  let predictedInView = 0;
  for (let i = 0; i < truth.frames; i++) {
    if (!spanned(i / truth.fps)) continue;
    predicted++;
    if (inView.has(i)) predictedInView++;
  }

  return {
    identity: name,
    enrolled: truth.enrolled.includes(name),
    appearances: appearances.length,
    appearancesAlerted: firstAlert.size,
    appearanceRecall: ratio(firstAlert.size, appearances.length),
    alerts: mine.length,
    correctAlerts: firstAlert.size,
    duplicateAlerts,
    falseAlerts,
    precision: ratio(mine.length - falseAlerts, mine.length),
    frameRecall: ratio(covered, faceFrames.size),
    framePrecision: ratio(predictedInView, predicted),
    timeToFirstAlert: ttfa.length
      ? { mean: round(ttfa.reduce((s, v) => s + v, 0) / ttfa.length), max: Math.max(...ttfa) }
      : null,
    falseAlertsPerHour: perHour(falseAlerts, truth.durationSec),
    perAppearance,
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const perHour = (count: number, durationSec: number) => round((count * 3600) / durationSec);

/**
 * Score a replay against a fixture's truth: one row per enrolled identity (seen or
 * not) and per identity an alert named that the truth does not know.
 */
export function evaluate(truth: FootageTruth, timeline: ReplayTimeline, options: EvaluationOptions = {}): Evaluation {
  const alertTol = options.alertToleranceSec ?? 0.5;
  const frameTol = options.frameToleranceSec ?? 1 / truth.fps;
  const names = [...new Set([...truth.enrolled, ...timeline.alerts.map((a) => a.identity.name)])].sort();
  const identities = names.map((n) => evaluateIdentity(n, truth, timeline, timeline.alerts, alertTol, frameTol));
  const falseAlerts = identities.reduce((s, i) => s + i.falseAlerts, 0);
  return {
    fixture: truth.fixture,
    durationSec: truth.durationSec,
    identities,
    totals: {
      alerts: timeline.alerts.length,
      falseAlerts,
      falseAlertsPerHour: perHour(falseAlerts, truth.durationSec),
    },
  };
}
