/**
 * Identification of CCTV-sized faces cut from real photos (bench/face/cctv-probes.ts):
 * genuine and impostor distances by face width, TAR at zero false accepts per width,
 * and simulated tracks (one frame of each camera degradation) decided by vote rules:
 * recall of enrolled people, and false matches of strangers (each enrolled person
 * against everyone else, and the npm strangers against everyone).
 */
import type { DescribedFace, FaceChain } from '../../models/index.js';
import { type FaceMeasures, type QualityRule, qualityProblems } from '../../pipeline/face-quality-rule.js';
import { Gallery } from '../../pipeline/face-match.js';
import { aggregateVotes, type FrameVote, type VoteOptions } from '../../pipeline/track-votes.js';
import { cctvFrame, describeLargest, PROBE_WIDTHS, VARIANTS, type Variant } from './cctv-probes.js';
import type { SourceFace } from './photo-sets.js';
import type { ProbeCache } from './probe-cache.js';

export interface ProbeFrame {
  source: SourceFace;
  stranger: boolean;
  width: number;
  variant: string;
  face: DescribedFace | null;
  /** Distance to the person's own other photos (null: stranger, or a person with one photo). */
  genuine: number | null;
  /** Nearest and second-nearest identity when the person's own photo is left out (recall context). */
  recall: { id: string; distance: number; second: number | null } | null;
  /** Nearest and second-nearest identity with the person left out of the gallery (stranger context). */
  asStranger: { id: string; distance: number; second: number | null } | null;
}

export async function makeProbes(
  chain: FaceChain,
  enrolled: SourceFace[],
  strangers: SourceFace[],
  opts: { widths?: readonly number[]; variants?: readonly Variant[]; cache?: ProbeCache } = {},
): Promise<ProbeFrame[]> {
  const gallery = (keep: (s: SourceFace) => boolean) => {
    const byPerson = new Map<string, Float32Array[]>();
    for (const s of enrolled.filter(keep))
      byPerson.set(s.person, [...(byPerson.get(s.person) ?? []), s.full.descriptor]);
    return new Gallery([...byPerson].map(([id, descriptors]) => ({ id, name: id, descriptors })));
  };
  const full = gallery(() => true);
  const withoutPerson = new Map<string, Gallery>();
  const probes: ProbeFrame[] = [];
  for (const source of [...enrolled, ...strangers]) {
    const stranger = strangers.includes(source);
    const withoutPhoto = stranger ? null : gallery((s) => s.key !== source.key);
    if (!stranger && !withoutPerson.has(source.person))
      withoutPerson.set(
        source.person,
        gallery((s) => s.person !== source.person),
      );
    const strangerGallery = stranger ? full : withoutPerson.get(source.person)!;
    const hasOthers = enrolled.some((s) => s.person === source.person && s.key !== source.key);
    for (const width of opts.widths ?? PROBE_WIDTHS) {
      for (const v of opts.variants ?? VARIANTS) {
        const img = await cctvFrame(source.img, source.box, width, v);
        const face = opts.cache
          ? await opts.cache.describe(img, () => describeLargest(chain, img))
          : await describeLargest(chain, img);
        const top2 = (g: Gallery | null) => {
          const r = face && g ? g.nearestTwo(face.descriptor) : null;
          return r ? { id: r.best.id, distance: r.best.distance, second: r.secondDistance } : null;
        };
        const recall = hasOthers ? top2(withoutPhoto) : null;
        const own =
          face && hasOthers && withoutPhoto
            ? withoutPhoto.nearestTwo(face.descriptor, { allowedIds: new Set([source.person]) })
            : null;
        probes.push({
          source,
          stranger,
          width,
          variant: v.id,
          face,
          genuine: own?.best.distance ?? null,
          recall,
          asStranger: top2(strangerGallery),
        });
      }
    }
  }
  return probes;
}

/** A rule to compare: which frames vote (null: today's size and detector-score filter) and how votes decide. */
export interface RuleCandidate {
  name: string;
  quality: QualityRule | null;
  vote: VoteOptions;
}

/** Today's filter: identify.minFacePx 24 and identify.faceScore 0.5. */
const todaysProblems = (m: FaceMeasures) => (m.widthPx < 24 || m.detectorScore < 0.5 ? (['too_small'] as const) : []);

function trackVotes(frames: ProbeFrame[], ctx: 'recall' | 'asStranger', rule: RuleCandidate): FrameVote[] {
  return frames.flatMap((f, i) => {
    const hit = f[ctx];
    if (!f.face || !hit) return [];
    const m = f.face.measures;
    return [
      {
        seq: i + 1,
        ts: i * 200,
        candidateId: hit.id,
        candidateName: hit.id,
        distance: hit.distance,
        secondDistance: hit.second,
        weight: f.face.quality,
        widthPx: m.widthPx,
        ...(m.lowLight ? { lowLight: true } : {}),
        problems: rule.quality ? qualityProblems(m, rule.quality) : [...todaysProblems(m)],
        faceBox: f.face.face.box,
        personBox: f.face.face.box,
        frameKey: '',
        faceCropKey: null,
      },
    ];
  });
}

export interface RuleResult {
  rule: string;
  /** Enrolled people's tracks matched to the right person, per probe width. */
  recall_by_width: Record<number, number>;
  recall_at_48px_plus: number;
  /** Tracks matched to somebody else (a wrong person while the right one is enrolled). */
  wrong_person_matches: number;
  stranger_tracks: number;
  false_matches: number;
  false_matches_per_1000_stranger_tracks: number;
  strength_of_correct: Record<string, number>;
  /** Strength of the false and wrong-person matches: they should read weak. */
  strength_of_false: Record<string, number>;
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** Every (face, width) is a track of one frame per degradation; decide each with `rule`. */
export function evaluateRule(probes: ProbeFrame[], rule: RuleCandidate): RuleResult {
  const tracks = new Map<string, ProbeFrame[]>();
  for (const p of probes) {
    const key = `${p.source.key}@${p.width}`;
    tracks.set(key, [...(tracks.get(key) ?? []), p]);
  }
  const hits = new Map<number, { n: number; ok: number }>();
  const strength: Record<string, number> = { strong: 0, moderate: 0, weak: 0 };
  const falseStrength: Record<string, number> = { strong: 0, moderate: 0, weak: 0 };
  let wrong = 0;
  let strangerTracks = 0;
  let falseMatches = 0;
  for (const frames of tracks.values()) {
    const first = frames[0]!;
    if (!first.stranger && first.genuine !== null) {
      const d = aggregateVotes(trackVotes(frames, 'recall', rule), rule.vote);
      const h = hits.get(first.width) ?? { n: 0, ok: 0 };
      h.n++;
      if (d.match && d.id === first.source.person) {
        h.ok++;
        strength[d.strength]!++;
      } else if (d.match) {
        wrong++;
        falseStrength[d.strength]!++;
      }
      hits.set(first.width, h);
    }
    strangerTracks++;
    const s = aggregateVotes(trackVotes(frames, 'asStranger', rule), rule.vote);
    if (s.match) {
      falseMatches++;
      falseStrength[s.strength]!++;
    }
  }
  const big = [...hits]
    .filter(([w]) => w >= 48)
    .reduce((a, [, h]) => ({ n: a.n + h.n, ok: a.ok + h.ok }), { n: 0, ok: 0 });
  return {
    rule: rule.name,
    recall_by_width: Object.fromEntries([...hits].sort((a, b) => a[0] - b[0]).map(([w, h]) => [w, r4(h.ok / h.n)])),
    recall_at_48px_plus: r4(big.ok / big.n),
    wrong_person_matches: wrong,
    stranger_tracks: strangerTracks,
    false_matches: falseMatches,
    false_matches_per_1000_stranger_tracks: r4((falseMatches / strangerTracks) * 1000),
    strength_of_correct: strength,
    strength_of_false: falseStrength,
  };
}

export interface WidthBucket {
  width: number;
  frames: number;
  faces_found: number;
  genuine_median: number | null;
  impostor_min: number | null;
  /** Strictest threshold with no impostor: the smallest impostor distance in the bucket. */
  tar_at_far0: number | null;
  tar_at_threshold: number | null;
  false_accepts_at_threshold: number;
}

/** Per probe width: genuine distances (own other photos) against the nearest impostor of every frame. */
export function widthBuckets(probes: ProbeFrame[], threshold: number, voting?: QualityRule): WidthBucket[] {
  return PROBE_WIDTHS.map((width) => {
    const all = probes.filter((p) => p.width === width);
    const found = all.filter((p) => p.face && (!voting || qualityProblems(p.face.measures, voting).length === 0));
    const genuine = found.flatMap((p) => (p.genuine === null ? [] : [p.genuine])).sort((a, b) => a - b);
    const impostor = found.flatMap((p) => (p.asStranger ? [p.asStranger.distance] : []));
    const minImp = impostor.length ? Math.min(...impostor) : null;
    return {
      width,
      frames: all.length,
      faces_found: found.length,
      genuine_median: genuine.length ? r4(genuine[Math.floor(genuine.length / 2)]!) : null,
      impostor_min: minImp === null ? null : r4(minImp),
      tar_at_far0:
        genuine.length && minImp !== null ? r4(genuine.filter((d) => d < minImp).length / genuine.length) : null,
      tar_at_threshold: genuine.length ? r4(genuine.filter((d) => d < threshold).length / genuine.length) : null,
      false_accepts_at_threshold: impostor.filter((d) => d < threshold).length,
    };
  });
}
