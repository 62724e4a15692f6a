import { describe, expect, it } from 'vitest';
import { verdictOf } from './enrol-form.js';

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
      verdictOf(check([face], { ok: false, reason: 'face_too_small', message: 'the face is 20 px wide' })),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/too small.*20 px/) });
  });
});
