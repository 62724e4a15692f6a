/** Plain-text tables of bench:face-accuracy's CCTV and enrolment-gate parts. */
import type { CctvReport } from './cctv-report.js';
import type { GateSummary } from './enrolment-gate.js';

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

const num = (v: number | null) => (v === null ? '-' : v.toFixed(3));

export function printCctv(r: CctvReport): void {
  console.log(
    `\nCCTV probes: ${r.enrolled_faces} enrolled faces and ${r.stranger_faces} npm strangers, ${r.probe_frames} frames`,
  );
  table(
    [
      'width px',
      'faces found',
      'voting',
      'genuine median',
      'impostor min',
      'TAR@FAR0 (all)',
      'TAR@FAR0 (voting)',
      'TAR@vote thr',
      'FA@vote thr',
    ],
    r.by_width_all_faces.map((a, i) => {
      const v = r.by_width_voting_faces[i]!;
      return [
        String(a.width),
        `${a.faces_found}/${a.frames}`,
        String(v.faces_found),
        num(v.genuine_median),
        num(v.impostor_min),
        num(a.tar_at_far0),
        num(v.tar_at_far0),
        num(v.tar_at_threshold),
        String(v.false_accepts_at_threshold),
      ];
    }),
  );
  console.log('');
  table(
    [
      'rule',
      'recall >= 48 px',
      'recall by width (20..96)',
      'wrong person',
      'false matches / stranger tracks',
      'per 1000',
    ],
    r.rules.map((x) => [
      x.rule,
      x.recall_at_48px_plus.toFixed(3),
      Object.values(x.recall_by_width)
        .map((v) => v.toFixed(2))
        .join(' '),
      String(x.wrong_person_matches),
      `${x.false_matches}/${x.stranger_tracks}`,
      x.false_matches_per_1000_stranger_tracks.toFixed(1),
    ]),
  );
}

export function printOpenSet(o: CctvReport['open_set_candidates']): void {
  const c = o.cohort;
  console.log(
    `\nopen-set candidates (cohort: ${c.faces} faces of ${c.source}; ${c.excluded_as_possibly_enrolled_or_probe} left out)`,
  );
  table(
    [
      'candidate',
      'scale at 0 FM',
      'recall >= 48 px',
      'recall by width (20..96)',
      'TAR@FAR0 by width',
      'at 0.95: recall, FM, wrong',
    ],
    o.candidates.map((x) => [
      x.candidate,
      x.calibrated_threshold_scale === null ? '-' : x.calibrated_threshold_scale.toFixed(3),
      x.recall_at_48px_plus.toFixed(3),
      Object.values(x.recall_by_width)
        .map((v) => v.toFixed(2))
        .join(' '),
      Object.values(x.tar_at_far0_by_width)
        .map((v) => (v === null ? '-' : v.toFixed(2)))
        .join(' '),
      `${x.at_default_scale.recall_at_48px_plus.toFixed(3)}, ${x.at_default_scale.false_matches}, ${x.at_default_scale.wrong_person_matches}`,
    ]),
  );
}

export function printGate(g: GateSummary): void {
  console.log(
    `\nenrolment gate: ${g.human_accepted}/${g.human_photos} human photos accepted, ${g.animal_refused}/${g.animal_photos} animal photos refused`,
  );
  for (const r of g.human_refused) console.log(`  refused human ${r.photo}: ${r.message}`);
  for (const a of g.animal_accepted) console.log(`  ACCEPTED ANIMAL ${a}`);
  for (const r of g.rows.filter((x) => !x.human)) console.log(`  ${r.photo}: ${r.message}`);
}
