import { describe, expect, it } from 'vitest';
import { verdictOf } from './enrol-form.js';

describe('enrolment photo verdict', () => {
  const face = { box: [10, 10, 60, 70] as [number, number, number, number] };
  it('accepts exactly one face and refuses none or several, saying why', () => {
    expect(verdictOf({ width: 100, height: 100, faces: [face] })).toEqual({ ok: true, reason: 'One face found' });
    expect(verdictOf({ width: 100, height: 100, faces: [] })).toMatchObject({ ok: false, reason: expect.stringMatching(/no face/i) });
    expect(verdictOf({ width: 100, height: 100, faces: [face, face, face] })).toMatchObject({ ok: false, reason: expect.stringMatching(/3 faces/) });
  });
});
