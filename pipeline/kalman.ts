import type { Box } from './geometry.js';

/**
 * Constant-velocity Kalman filter over a box as (cx, cy, w, h), ByteTrack's xywh
 * variant. The motion model and the noise are separable per coordinate, so the
 * 8x8 covariance stays block-diagonal: four independent 2x2 filters (position,
 * velocity) are exact and need no matrix library. Velocities are per second and
 * prediction takes the real time step, so dropped or skipped frames are handled.
 *
 * The state is a plain number array (JSON-serialisable): per coordinate
 * [position, velocity, P00, P01, P11].
 */
export type KalmanState = number[];

const STRIDE = 5;

/** Noise as a share of the box size (w for x and w, h for y and h); ByteTrack's weights, per second. */
export const KALMAN_NOISE = Object.freeze({
  /** Measurement noise of a detected box. */
  measure: 0.05,
  /** Process noise of the position, per second. */
  position: 0.15,
  /** Process noise of the velocity, per second. */
  velocity: 0.6,
});

const toXywh = (b: Box): [number, number, number, number] => [
  (b[0] + b[2]) / 2,
  (b[1] + b[3]) / 2,
  b[2] - b[0],
  b[3] - b[1],
];

/** Scale of each coordinate's noise: the box width for x and w, its height for y and h. */
const scales = (w: number, h: number) => [w, h, w, h];

export function kalmanInit(box: Box): KalmanState {
  const z = toXywh(box);
  const s = scales(z[2], z[3]);
  const state: number[] = [];
  for (let i = 0; i < 4; i++) {
    const pos = 2 * KALMAN_NOISE.measure * s[i]!;
    const vel = 10 * KALMAN_NOISE.velocity * s[i]!;
    state.push(z[i]!, 0, pos * pos, 0, vel * vel);
  }
  return state;
}

/** Advances the state by `dtSec` seconds (returns a new state). */
export function kalmanPredict(state: KalmanState, dtSec: number): KalmanState {
  const dt = Math.max(0, dtSec);
  const w = Math.max(1, state[2 * STRIDE]!);
  const h = Math.max(1, state[3 * STRIDE]!);
  const s = scales(w, h);
  const out = state.slice();
  for (let i = 0; i < 4; i++) {
    const o = i * STRIDE;
    const [p, v, a, b, c] = [out[o]!, out[o + 1]!, out[o + 2]!, out[o + 3]!, out[o + 4]!];
    const qp = (KALMAN_NOISE.position * s[i]!) ** 2 * dt;
    const qv = (KALMAN_NOISE.velocity * s[i]!) ** 2 * dt;
    out[o] = p + v * dt;
    out[o + 2] = a + 2 * dt * b + dt * dt * c + qp;
    out[o + 3] = b + dt * c;
    out[o + 4] = c + qv;
  }
  return out;
}

/** Corrects the state with a measured box (returns a new state). */
export function kalmanUpdate(state: KalmanState, box: Box): KalmanState {
  const z = toXywh(box);
  const s = scales(z[2], z[3]);
  const out = state.slice();
  for (let i = 0; i < 4; i++) {
    const o = i * STRIDE;
    const [p, v, a, b, c] = [out[o]!, out[o + 1]!, out[o + 2]!, out[o + 3]!, out[o + 4]!];
    const r = (KALMAN_NOISE.measure * s[i]!) ** 2;
    const S = a + r;
    const k0 = a / S;
    const k1 = b / S;
    const innovation = z[i]! - p;
    out[o] = p + k0 * innovation;
    out[o + 1] = v + k1 * innovation;
    out[o + 2] = (1 - k0) * a;
    out[o + 3] = (1 - k0) * b;
    out[o + 4] = c - k1 * b;
  }
  return out;
}

/** The filter's box estimate (width and height at least 1 px). */
export function kalmanBox(state: KalmanState): Box {
  const cx = state[0]!;
  const cy = state[STRIDE]!;
  const w = Math.max(1, state[2 * STRIDE]!);
  const h = Math.max(1, state[3 * STRIDE]!);
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}
