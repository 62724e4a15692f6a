import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fixtures } from './fixtures/index.js';
import { evaluate, evaluationToCsv, formatSweepTable, parseTimeline, renderHtmlReport, sweepThresholds, timelineFromReplay } from './pipeline/evaluation/index.js';
for (const f of fixtures) {
  const p = `/tmp/r-${f.name}.json`;
  if (!existsSync(p)) { console.log(f.name, 'no replay yet'); continue; }
  const truth = f.truth();
  const timeline = parseTimeline(timelineFromReplay(JSON.parse(readFileSync(p, 'utf8')), { threshold: 0.41, votes: { k: 2, n: 5 } }), p);
  const ev = evaluate(truth, timeline);
  const sweep = sweepThresholds(truth, timeline, [0.3, 0.35, 0.38, 0.41, 0.45, 0.5, 0.56]);
  const s = ev.identities.find((i) => i.identity === 'subject-a')!;
  console.log(`${f.name}: tracks ${timeline.tracks.length}, alerts ${ev.totals.alerts}, false ${ev.totals.falseAlerts}; subject-a recall ${s.appearanceRecall} (${s.appearancesAlerted}/${s.appearances}), precision ${s.precision}, frame recall ${s.frameRecall?.toFixed(2)}, frame precision ${s.framePrecision?.toFixed(2)}, TTFA ${JSON.stringify(s.timeToFirstAlert)}`);
  console.log(formatSweepTable(sweep, 0.41));
  writeFileSync(`/tmp/report-${f.name}.html`, renderHtmlReport({ timeline, truth, evaluation: ev, sweep }));
  writeFileSync(`/tmp/eval-${f.name}.csv`, evaluationToCsv(ev));
}
