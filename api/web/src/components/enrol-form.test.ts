import { describe, expect, it } from 'vitest';
import { qualityLine, verdictOf } from './enrol-form.js';

describe('enrolment photo verdict', () => {
  const face = { box: [10, 10, 60, 70] as [number, number, number, number] };
  const check = (faces: (typeof face)[], enrolment: Parameters<typeof verdictOf>[0]['enrolment']) => ({
    width: 100,
    height: 100,
    faces,
    enrolment,
  });
  it("words the server's verdict, counting the faces found", () => {
    expect(verdictOf(check([face], { ok: true, reason: null, message: 'one usable face' }))).toEqual({
      ok: true,
      reason: 'One face found',
    });
    expect(verdictOf(check([face, face], { ok: true, reason: null, message: 'one usable face' }))).toMatchObject({
      ok: true,
      reason: expect.stringMatching(/1 much smaller/),
    });
    expect(verdictOf(check([], { ok: false, reason: 'no_face', message: 'no face found in the photo' }))).toMatchObject(
      { ok: false, reason: expect.stringMatching(/no face/i) },
    );
    expect(
      verdictOf(check([face, face, face], { ok: false, reason: 'several_faces', message: '3 faces' })),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/3 faces/) });
    expect(
      verdictOf(check([face], { ok: false, reason: 'face_too_small', message: 'face too small: 20 px, need 80' })),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/too small.*20 px/) });
  });
});

describe('the enrolment gate on the enrolment screen', () => {
  const face = { box: [10, 10, 60, 60] as [number, number, number, number] };
  const check = (enrolment: Parameters<typeof verdictOf>[0]['enrolment']) => ({
    width: 100,
    height: 100,
    faces: [face],
    enrolment,
  });
  it("shows the gate's own reason, capitalised", () => {
    expect(
      verdictOf(
        check({ ok: false, reason: 'no_human_face', message: 'no human face: the face found is on a dog (40% sure)' }),
      ),
    ).toEqual({
      ok: false,
      reason: 'No human face: the face found is on a dog (40% sure)',
    });
    expect(
      verdictOf(check({ ok: false, reason: 'face_too_small', message: 'face too small: 38 px, need 80' })).reason,
    ).toBe('Face too small: 38 px, need 80');
  });
  it('sums up quality in one line', () => {
    expect(qualityLine({ score: 0.874, measures: { widthPx: 181.4, yaw: -12.2, pitch: 3 }, advice: [] })).toBe(
      'Quality 87%: face 181 px, turned 12°',
    );
    expect(qualityLine({ score: 0.9, measures: { widthPx: 200, yaw: 2, pitch: 1 }, advice: [] })).toBe(
      'Quality 90%: face 200 px',
    );
  });
});
