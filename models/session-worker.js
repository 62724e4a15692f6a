// One onnxruntime session on its own thread. onnxruntime-node's run() executes on the
// calling thread, so running it here keeps the main event loop free. Plain JavaScript:
// worker threads do not inherit the tsx loader that runs the TypeScript sources.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const { path, bytes, threads } = workerData;
const port = parentPort;

const describe = (meta) => meta.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] }));

try {
  const session = await ort.InferenceSession.create(bytes ?? path, {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  });
  await warmUp(session);
  port.postMessage({
    type: 'ready',
    inputs: describe(session.inputMetadata),
    outputs: describe(session.outputMetadata),
  });
  port.on('message', async ({ id, feeds, fetch, returnInputs }) => {
    // Transferred inputs go back with the answer (or the error), for the caller to reuse.
    const inputs = returnInputs ? [...new Set(Object.values(feeds).map((t) => t.data.buffer))] : [];
    try {
      const tensors = {};
      for (const [name, t] of Object.entries(feeds)) {
        tensors[name] = new ort.Tensor('float32', t.data, t.dims);
      }
      const results = fetch ? await session.run(tensors, fetch) : await session.run(tensors);
      const outputs = {};
      const transfer = [];
      for (const [name, t] of Object.entries(results)) {
        const data = t.type === 'float32' ? t.data : Float32Array.from(t.data, Number);
        outputs[name] = { data, dims: t.dims.slice() };
        transfer.push(data.buffer);
      }
      port.postMessage({ type: 'result', id, outputs, inputs }, [...transfer, ...inputs]);
    } catch (err) {
      port.postMessage({ type: 'result', id, error: err instanceof Error ? err.message : String(err), inputs }, inputs);
    }
  });
} catch (err) {
  port.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
}

/**
 * One run on zeros before the session is ready: onnxruntime plans and allocates on a
 * session's first run (the person detector's took 100-130 ms, later ones 21), which
 * should not land on a camera's first frame after a restart. Best effort: symbolic
 * sizes are taken as 1, and a model that refuses that starts cold.
 */
async function warmUp(session) {
  const feeds = {};
  for (const m of session.inputMetadata) {
    if (!m.isTensor || m.type !== 'float32') return;
    const dims = m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    feeds[m.name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  }
  try {
    await session.run(feeds);
  } catch {
    // starts cold
  }
}
