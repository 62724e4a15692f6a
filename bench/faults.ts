/**
 * Fault benchmark (issue 24): the pipeline as separate processes, cameras looping the
 * enrolled walk-in over real RTSP, a webhook receiver; each fault in turn (SIGKILL the
 * API, the alerts worker, ingest, detect, identify; Redis down 20 s; the receiver down
 * 60 s). Per fault: appearances, alerts, webhooks, lost, duplicated, worst delay and
 * worst extra delay over the no-fault baseline. The e2e suite (test/e2e/faults.e2e.test.ts)
 * runs the same harness and asserts on it.
 *
 *   npm run bench:faults [-- --json] [-- --faults api,detect] [-- --cameras 2] [-- --logs DIR]
 */
import { FaultStack } from '../test/faults/fault-stack.js';
import { FAULTS, runFaultSuite, type FaultName } from '../test/faults/fault-run.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const json = process.argv.includes('--json');
const faults = (arg('--faults')?.split(',') ?? FAULTS) as FaultName[];
for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`unknown fault '${f}': ${FAULTS.join(', ')}`);
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

const logDir = arg('--logs');
const stack = new FaultStack({ cameras: Number(arg('--cameras') ?? 2), ...(logDir ? { logDir } : {}) });
try {
  progress('starting the stack (models are converted on the first run)');
  await stack.start();
  const result = await runFaultSuite(stack, faults, progress);
  const rows = result.reports.map(({ details: _details, ...r }) => r);
  if (json) process.stdout.write(`${JSON.stringify({ baselineMs: result.baselineMs, faults: rows }, null, 2)}\n`);
  else {
    console.log(`baseline delay (face visible -> webhook): ${result.baselineMs} ms`);
    console.table(
      rows.map((r) => ({
        fault: r.fault,
        appearances: r.appearances,
        expected: r.expected,
        alerts: r.alerts,
        webhooks: r.webhooks,
        lost: r.lost,
        duplicated: r.duplicated,
        'worst delay ms': r.worstDelayMs,
        'worst extra ms': r.worstExtraDelayMs,
        'camera.offline': r.offlineRaised.join(' '),
      })),
    );
  }
  for (const r of result.reports)
    for (const d of r.details)
      if (
        (d.expected && (!d.alerts.length || !d.deliveries)) ||
        d.alerts.length > 1 ||
        d.deliveries > d.alerts.length ||
        (r.targetMs !== null && (d.delayMs ?? 0) - result.baselineMs > r.targetMs)
      )
        progress(`${r.fault} (struck at face ${r.faultAt ? r.faultAt - d.faceFrom : '-'} ms): ${JSON.stringify(d)}`);
  if (result.notJson.length) progress(`lines that are not JSON: ${result.notJson.slice(0, 5).join(' | ')}`);
} finally {
  await stack.stop();
}
