/**
 * Walk-pasts: real faces at CCTV sizes, replayed through the pipeline and scored against exact truth.
 *
 * People from real photos walk past a door camera (fixtures/generator, so the truth is exact): the stranger faces of
 * npm-packaged group photos, and the people of ../shared/data/faces, each walking on a photo that is not in the gallery
 * (the rest of ../shared/data/faces is enrolled). A walker is the photo's face with the shoulders and chest under it;
 * photos with no body under the face (the tight TV stills) cannot walk. Face widths 32, 48 and 64 px (no face under
 * 32 px votes), blurred along the motion (3 px) and JPEG-compressed (MJPEG, q 8). `watchpost replay --truth` scores
 * the videos; this prints, per face width, the recall of enrolled walkers and the false matches per 1000 stranger
 * walk-pasts.
 *
 *   npm run bench:walk-pasts [-- --json] [--keep DIR] [--widths 32,48,64]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildFixture, formatTruth } from '../fixtures/generator/build-fixture.js';
import type { Actor, CropRect } from '../fixtures/generator/cast.js';
import { daylight } from '../fixtures/generator/scene.js';
import type { FixtureSpec, Walk } from '../fixtures/generator/specs.js';
import { FaceChain } from '../models/index.js';
import { closeAllSessions } from '../models/session.js';
import { parseTruth } from '../pipeline/evaluation/truth.js';
import { loadConfig } from '../runtime/config.js';
import { requireFfmpeg } from '../runtime/system-tools.js';
import { FACES_DIR, loadPhotos, npmStrangers, type SourceFace, sourceFaces } from './face/photo-sets.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    keep: { type: 'string' },
    widths: { type: 'string', default: '32,48,64' },
  },
});
if (!existsSync(FACES_DIR)) {
  console.error(`bench:walk-pasts needs the real photos in ${FACES_DIR} (set WATCHPOST_FACES_DIR)`);
  process.exit(2);
}
const widths = values.widths.split(',').map(Number);
const W = 960;
const H = 540;
const FPS = 5;
/** One walker starts every STAGGER s and takes CROSS s to cross: at most two people in view at once. */
const STAGGER = 3;
const CROSS = 6;
const GALLERY = 'gallery';
/** Where npmStrangers' photos are (their keys are `<file>#<face>`). */
const NPM_DEMO = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

/** Space below the face a photo must have (face heights) so the walker shows a body the person detector sees. */
const BODY_BELOW = 1.5;

/** The face and as much of the person below it as the photo holds (shoulders, chest), clipped to the photo. */
function actorFor(face: SourceFace, name: string, identity: string | null, faceWidth: number): Actor {
  const [x1, y1, x2, y2] = face.box;
  const fw = x2 - x1;
  const fh = y2 - y1;
  const left = Math.max(0, Math.floor(x1 - 1.3 * fw));
  const top = Math.max(0, Math.floor(y1 - 0.45 * fh));
  const right = Math.min(face.img.width, Math.ceil(x2 + 1.3 * fw));
  const bottom = Math.min(face.img.height, Math.ceil(y2 + 3 * fh));
  const crop: CropRect = [left, top, right - left, bottom - top];
  return {
    name,
    identity,
    file: identity === null ? join(NPM_DEMO, face.key.split('#')[0]!) : face.key,
    crop,
    face: [x1 - left, y1 - top, fw, fh],
    scale: faceWidth / fw,
  };
}

/** Tight face crops (the TV stills) have no body under the face: a walker made of one would be a floating head. */
const hasBody = (f: SourceFace) => f.img.height - f.box[3] >= BODY_BELOW * (f.box[3] - f.box[1]);

function walksFor(actors: Actor[]): Walk[] {
  return actors.map((actor, i) => {
    const t0 = 0.5 + i * STAGGER;
    // One direction for everyone: walkers keep their spacing and never overlap.
    return {
      actor,
      keys: [
        [t0, -0.08],
        [t0 + CROSS, 1.08],
      ],
      baseline: 1.02,
    };
  });
}

/** Motion blur (3 px along the walk, as a 1/50 s exposure leaves it) and JPEG compression, as CCTV footage has. */
function degrade(mp4: string, out: string): void {
  const r = spawnSync(
    requireFfmpeg(),
    ['-v', 'error', '-y', '-i', mp4, '-vf', 'avgblur=sizeX=1:sizeY=0', '-c:v', 'mjpeg', '-q:v', '8', out],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg degrade ${mp4}: ${r.stderr}`);
}

const chain = await FaceChain.create(loadConfig({ overrides: {} }));
const photos = await loadPhotos();
const enrolledFaces = await sourceFaces(chain, photos);
const strangers = await npmStrangers(chain);
await closeAllSessions();

// The last photo of each person with two or more walks; every other photo is enrolled
const byPerson = new Map<string, SourceFace[]>();
for (const f of enrolledFaces) byPerson.set(f.person, [...(byPerson.get(f.person) ?? []), f]);
// (only photos with a body under the face can walk: see hasBody).
const walkers = [...byPerson.values()].filter((fs) => fs.length >= 2 && hasBody(fs.at(-1)!)).map((fs) => fs.at(-1)!);
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'wp-walk-pasts-'));
mkdirSync(join(dir, GALLERY), { recursive: true });
for (const f of enrolledFaces) {
  if (walkers.includes(f)) continue;
  mkdirSync(join(dir, GALLERY, f.person), { recursive: true });
  copyFileSync(f.key, join(dir, GALLERY, f.person, basename(f.key)));
}
const enrolled = [...byPerson.keys()].sort();

for (const width of widths) {
  const groups: Array<[string, Actor[]]> = [
    ['enrolled', walkers.map((f) => actorFor(f, f.person, f.person, width))],
    ['strangers', strangers.filter(hasBody).map((f, i) => actorFor(f, `stranger-${i + 1}`, null, width))],
  ];
  for (const [group, actors] of groups) {
    const spec: FixtureSpec = {
      name: `walk-pasts-${group}-${width}px`,
      description: `${actors.length} ${group} walking past at face width ${width} px; motion blur, MJPEG q 8`,
      width: W,
      height: H,
      fps: FPS,
      seconds: Math.ceil(0.5 + (actors.length - 1) * STAGGER + CROSS + 1),
      lighting: 'day',
      crf: 18,
      seed: width,
      walks: walksFor(actors),
      light: () => daylight,
    };
    const built = await buildFixture(spec, dir);
    const mkv = built.videoPath.replace(/\.mp4$/, '.mkv');
    degrade(built.videoPath, mkv);
    rmSync(built.videoPath);
    const truth = { ...built.truth, video: basename(mkv), gallery: GALLERY, enrolled };
    writeFileSync(built.truthPath, formatTruth(parseTruth(truth)));
  }
}

const out = join(dir, 'replay.json');
const replay = spawnSync(
  process.execPath,
  [
    join(import.meta.dirname, '..', 'bin', 'watchpost.js'),
    'replay',
    dir,
    '--gallery',
    join(dir, GALLERY),
    '--truth',
    dir,
    '--json',
    out,
  ],
  { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
);
if (replay.status !== 0) throw new Error(`watchpost replay failed (${replay.status})`);

interface Scored {
  video: string;
  tracks: { start: number; end: number }[];
  evaluation: {
    fixture: string;
    identities: { identity: string; appearances: number; appearancesAlerted: number; falseAlerts: number }[];
    totals: { alerts: number; falseAlerts: number };
  };
}
const results = JSON.parse(readFileSync(out, 'utf8')) as Scored[];
const rows = widths.map((width) => {
  const of = (group: string) => results.find((r) => r.evaluation.fixture === `walk-pasts-${group}-${width}px`)!;
  const e = of('enrolled').evaluation;
  const s = of('strangers').evaluation;
  const truthOf = (group: string) =>
    parseTruth(JSON.parse(readFileSync(join(dir, `walk-pasts-${group}-${width}px.truth.json`), 'utf8')));
  const enrolledTruth = truthOf('enrolled').appearances;
  const walks = enrolledTruth.length;
  // A walker the person tracker followed for a second or more: identification had a chance.
  const tracked = enrolledTruth.filter((a) =>
    of('enrolled').tracks.some((t) => Math.min(t.end, a.end) - Math.max(t.start, a.start) >= 1),
  ).length;
  const found = e.identities.reduce((n, i) => n + i.appearancesAlerted, 0);
  const strangerWalks = truthOf('strangers').appearances.length;
  return {
    face_width_px: width,
    enrolled_walks: walks,
    enrolled_tracked: tracked,
    enrolled_found: found,
    recall: Math.round((found / walks) * 1000) / 1000,
    wrong_name_alerts_on_enrolled: e.totals.falseAlerts,
    stranger_walks: strangerWalks,
    false_matches: s.totals.alerts,
    false_matches_per_1000_stranger_tracks: Math.round((s.totals.alerts * 1000) / strangerWalks),
  };
});
if (values.json) console.log(JSON.stringify({ walk_pasts: rows, enrolled: enrolled.length, dir }));
else {
  console.log(`gallery: ${enrolled.length} people from ${FACES_DIR}; videos and truth in ${dir}`);
  console.log(
    '| face width | enrolled tracked | enrolled found | recall | wrong-name alerts | stranger walk-pasts | false matches | per 1000 |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.face_width_px} px | ${r.enrolled_tracked}/${r.enrolled_walks} | ${r.enrolled_found}/${r.enrolled_walks} | ` +
        `${r.recall} | ${r.wrong_name_alerts_on_enrolled} | ` +
        `${r.stranger_walks} | ${r.false_matches} | ${r.false_matches_per_1000_stranger_tracks} |`,
    );
}
if (!values.keep) rmSync(dir, { recursive: true, force: true });
