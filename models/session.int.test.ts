import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from './onnx/graph-builder.js';
import { closeAllSessions, ModelLoadError, ModelRunError, openSession } from './session.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-session-'));

/** y = x·W applied `depth` times (W = I/1 scaled so values stay finite): heavy enough to take a while. */
function matmulChain(size: number, depth: number): string {
  const g = new GraphBuilder('chain');
  let x = g.input('x', 'float32', [size, size]);
  const w = g.constant(
    'float32',
    [size, size],
    Float32Array.from({ length: size * size }, (_, i) => (i % (size + 1) === 0 ? 1 : 0)),
  );
  for (let i = 0; i < depth; i++) x = g.op('MatMul', [x, w]);
  g.output(g.op('Identity', [x], {}, 'y'), 'float32', [size, size]);
  const path = join(dir, `chain-${size}-${depth}.onnx`);
  writeFileSync(path, g.toBytes());
  return path;
}

describe('ModelSession', () => {
  afterAll(() => closeAllSessions());

  it('runs a model and returns its outputs with shapes', async () => {
    const s = await openSession(matmulChain(4, 2), { threads: 1 });
    expect(s.inputs).toEqual([{ name: 'x', shape: [4, 4] }]);
    expect(s.outputs.map((o) => o.name)).toEqual(['y']);
    const data = Float32Array.from({ length: 16 }, (_, i) => i);
    const out = await s.run({ x: { data, dims: [4, 4] } });
    expect(out.y!.dims).toEqual([4, 4]);
    expect(Array.from(out.y!.data)).toEqual(Array.from(data)); // identity weights
  });

  it('starts a model that its start-up warm run (symbolic sizes as 1) cannot run', async () => {
    // Reshape to 2x2 needs 4 values: the warm run's [1] fails, real [4] inputs work.
    const g = new GraphBuilder('needs-four');
    const x = g.input('x', 'float32', ['n']);
    const shape = g.constant('int64', [2], BigInt64Array.from([2n, 2n]));
    g.output(g.op('Reshape', [x, shape], {}, 'y'), 'float32', [2, 2]);
    const path = join(dir, 'needs-four.onnx');
    writeFileSync(path, g.toBytes());
    const s = await openSession(path, { threads: 1 });
    const out = await s.run({ x: { data: Float32Array.from([1, 2, 3, 4]), dims: [4] } });
    expect(out.y!.dims).toEqual([2, 2]);
    expect(Array.from(out.y!.data)).toEqual([1, 2, 3, 4]);
  });

  it('creates one session per model file and reuses it', async () => {
    const path = matmulChain(4, 1);
    const [a, b] = await Promise.all([openSession(path, { threads: 1 }), openSession(path, { threads: 1 })]);
    expect(a).toBe(b);
  });

  it('keeps the event loop responsive while a long inference runs', async () => {
    // About 4x the 100 ms floor below on a quiet machine (60 matmuls took 86 ms).
    const s = await openSession(matmulChain(384, 240), { threads: 1 });
    const x = { data: new Float32Array(384 * 384).fill(1), dims: [384, 384] };
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 2);
    const started = performance.now();
    await s.run({ x });
    const took = performance.now() - started;
    clearInterval(timer);
    // The run itself must be long for the check to mean anything.
    expect(took).toBeGreaterThan(100);
    expect(maxGap).toBeLessThan(took / 2);
  });

  it('fails with typed errors for a corrupt model file and a wrong input', async () => {
    const bad = join(dir, 'corrupt.onnx');
    writeFileSync(bad, 'not a model');
    await expect(openSession(bad)).rejects.toBeInstanceOf(ModelLoadError);
    const s = await openSession(matmulChain(4, 1), { threads: 1 });
    await expect(s.run({ nope: { data: new Float32Array(16), dims: [4, 4] } })).rejects.toBeInstanceOf(ModelRunError);
    // the session still works afterwards
    await expect(s.run({ x: { data: new Float32Array(16), dims: [4, 4] } })).resolves.toHaveProperty('y');
  });

  it('spreads concurrent runs over its instances, each on its own thread', async () => {
    const path = matmulChain(64, 20);
    const x = () => ({ x: { data: Float32Array.from({ length: 64 * 64 }, (_, i) => i % 7), dims: [64, 64] } });
    const two = await openSession(path, { threads: 1, instances: 2 });
    const runs = [two.run(x()), two.run(x())];
    expect(two.load).toEqual([1, 1]);
    const one = await openSession(path, { threads: 1, instances: 1 });
    const queued = [one.run(x()), one.run(x())];
    expect(one.load).toEqual([2]);
    const outs = await Promise.all([...runs, ...queued]);
    for (const out of outs) expect(Array.from(out.y!.data)).toEqual(Array.from(x().x.data));
    expect(two.load).toEqual([0, 0]);
  });

  it("hands input buffers to the thread without a copy when asked (the caller's array is detached)", async () => {
    const s = await openSession(matmulChain(4, 1), { threads: 1 });
    const data = Float32Array.from({ length: 16 }, (_, i) => i);
    const out = await s.run({ x: { data, dims: [4, 4] } }, { transferInputs: true });
    expect(data.length).toBe(0);
    expect(Array.from(out.y!.data)).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('gets a transferred input buffer back for the next input of that size', async () => {
    const s = await openSession(matmulChain(4, 3), { threads: 1 });
    const data = s.inputArray(16);
    expect(Array.from(data)).toEqual(new Array(16).fill(0));
    data.set(Array.from({ length: 16 }, (_, i) => i + 1));
    await s.run({ x: { data, dims: [4, 4] } }, { transferInputs: true });
    expect(data.length).toBe(0);
    // The same memory again (it still holds the last run's values), not a fresh allocation.
    expect(Array.from(s.inputArray(16))).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(Array.from(s.inputArray(16))).toEqual(new Array(16).fill(0));
    // A run that failed gives its buffer back too.
    const bad = s.inputArray(16).fill(7);
    await expect(s.run({ x: { data: bad, dims: [2, 8] } }, { transferInputs: true })).rejects.toThrow(ModelRunError);
    expect(Array.from(s.inputArray(16))).toEqual(new Array(16).fill(7));
  });

  it('returns only the outputs asked for', async () => {
    const g = new GraphBuilder('two-outputs');
    const x = g.input('x', 'float32', [2, 2]);
    g.output(g.op('Identity', [x], {}, 'same'), 'float32', [2, 2]);
    g.output(g.op('Neg', [x], {}, 'negated'), 'float32', [2, 2]);
    const path = join(dir, 'two-outputs.onnx');
    writeFileSync(path, g.toBytes());
    const s = await openSession(path, { threads: 1 });
    const x4 = () => ({ data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2] });
    expect(Object.keys(await s.run({ x: x4() })).sort()).toEqual(['negated', 'same']);
    const out = await s.run({ x: x4() }, { outputs: ['negated'] });
    expect(Object.keys(out)).toEqual(['negated']);
    expect(Array.from(out.negated!.data)).toEqual([-1, -2, -3, -4]);
  });

  it('routes runs around an instance whose thread has died, and says so when none is left', async () => {
    const s = await openSession(matmulChain(8, 1), { threads: 1, instances: 2 });
    const threads = (s as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads;
    await threads[0]!.worker.terminate();
    const x = () => ({ x: { data: new Float32Array(64).fill(2), dims: [8, 8] } });
    for (let i = 0; i < 3; i++) await expect(s.run(x())).resolves.toHaveProperty('y');
    await threads[1]!.worker.terminate();
    await expect(s.run(x())).rejects.toThrow(/every inference thread has exited/);
  });
});
