/**
 * Identification at night: real photos at 48-96 px, lit like the night fixture (bench/face/night-report.ts).
 *
 *   npm run bench:face-night [-- --json]
 */
import { existsSync } from 'node:fs';
import { closeAllSessions } from '../models/session.js';
import { FACES_DIR, loadPhotos } from './face/photo-sets.js';
import { nightReport } from './face/night-report.js';

if (!existsSync(FACES_DIR)) {
  console.error(`bench:face-night needs the real photos in ${FACES_DIR} (set WATCHPOST_FACES_DIR)`);
  process.exit(2);
}
const report = await nightReport(await loadPhotos());
await closeAllSessions();
if (process.argv.includes('--json')) console.log(JSON.stringify({ night: report }));
else {
  console.log(`night probes: ${report.faces_found}/${report.probe_frames} faces found; refused by:`, report.refused_by);
  console.log('refused only for exposure or sharpness:', report.refused_for_light);
  console.log('| rule | recall 48 / 64 / 96 px | wrong person | false matches / stranger tracks | strength of false |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of report.rules)
    console.log(
      `| ${r.rule} | ${Object.values(r.recall_by_width).join(' / ')} | ${r.wrong_person_matches} | ` +
        `${r.false_matches} / ${r.stranger_tracks} | ${JSON.stringify(r.strength_of_false)} |`,
    );
}
