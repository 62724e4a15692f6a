import {
  describeProblem,
  type EnrolmentRefusalReason,
  type FaceMeasures,
  type QualityProblem,
  type QualityRule,
  qualityProblems,
} from '../pipeline/face-quality-rule.js';
import type { Box } from '../pipeline/geometry.js';
import { ANIMAL_CLASSES, type CocoObject, PERSON_CLASS } from './coco-objects.js';

export type { EnrolmentRefusalReason } from '../pipeline/face-quality-rule.js';

/** The reason a quality problem is reported under (the first problem found names the refusal). */
const REASON: Record<QualityProblem, EnrolmentRefusalReason> = {
  too_small: 'face_too_small',
  low_confidence: 'no_human_face',
  landmarks_disagree: 'no_human_face',
  too_blurred: 'too_blurred',
  turned: 'face_turned',
  badly_exposed: 'badly_exposed',
};

/** CenterNet score from which an animal around the face counts. */
export const ANIMAL_SCORE = 0.3;
/** Objects are read down to this score (a person at 0.26 still outweighs a doubtful animal). */
export const OBJECT_SCORE = 0.1;

const contains = (b: Box, [x, y]: [number, number]) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];

/**
 * How much more sure CenterNet must be of the animal than of a person around the face.
 * Measured (bench:face-accuracy, enrolment gate): the dogs and horses scored 0.31-0.71
 * with no person; one TV still of a man with a small animal at his shoulder scored
 * dog 0.31, person 0.26.
 */
export const ANIMAL_MARGIN = 0.1;

/**
 * The animal the face sits on, when CenterNet sees one around the face's centre clearly
 * more than a person there: BlazeFace fires on dogs', horses' and cats' faces.
 */
export function animalUnder(face: Box, objects: CocoObject[]): CocoObject | null {
  const centre: [number, number] = [(face[0] + face[2]) / 2, (face[1] + face[3]) / 2];
  const around = objects.filter((o) => contains(o.box, centre));
  const person = Math.max(0, ...around.filter((o) => o.classId === PERSON_CLASS).map((o) => o.score));
  const animal = around
    .filter((o) => o.score >= ANIMAL_SCORE && ANIMAL_CLASSES[o.classId] !== undefined)
    .sort((a, b) => b.score - a.score)[0];
  return animal && animal.score >= person + ANIMAL_MARGIN ? animal : null;
}

export type GateVerdict = { ok: true } | { ok: false; reason: EnrolmentRefusalReason; message: string };

/** The enrolment verdict for the chosen face: an animal first, then every quality problem in one message. */
export function enrolmentVerdict(measures: FaceMeasures, rule: QualityRule, animal: CocoObject | null): GateVerdict {
  if (animal) {
    const what = ANIMAL_CLASSES[animal.classId]!;
    return {
      ok: false,
      reason: 'no_human_face',
      message: `no human face: the face found is on a ${what} (${Math.round(animal.score * 100)}% sure)`,
    };
  }
  const problems = qualityProblems(measures, rule);
  if (problems.length === 0) return { ok: true };
  return {
    ok: false,
    reason: REASON[problems[0]!],
    message: problems.map((p) => describeProblem(p, measures, rule)).join('; '),
  };
}

/** What a better photo of the same person would add, for the enrolment screen. */
export function photoAdvice(m: FaceMeasures): string[] {
  const out: string[] = [];
  if (m.widthPx < 160)
    out.push(`a closer photo: this face is ${Math.round(m.widthPx)} px wide, 160 or more keeps detail`);
  if (Math.abs(m.yaw) > 20 || Math.abs(m.pitch) > 15) out.push('a frontal photo: this face is turned');
  if (m.sharpness < 400) out.push('a sharper photo');
  if (m.brightness < 60 || m.brightness > 200) out.push('an evenly lit photo');
  if (out.length === 0 && (Math.abs(m.yaw) < 10 || m.widthPx >= 160))
    out.push(
      'a photo from another angle or day (each photo is a template: cameras see people turned and lit differently)',
    );
  return out;
}
