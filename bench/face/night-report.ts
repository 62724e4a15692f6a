/**
 * Night faces: the photos of ../shared/data/faces and the npm strangers cut to 48-96 px and lit like the night
 * fixture (NIGHT_VARIANTS: five noisy dim frames per track). What the vote rule's quality checks refuse there, the
 * distances of the faces they refuse, and the vote rules compared on the night tracks.
 */
import { FaceChain } from '../../models/index.js';
import { type QualityRule, qualityProblems } from '../../pipeline/face-quality-rule.js';
import { identifyVoteOptions } from '../../pipeline/track-votes.js';
import { loadConfig } from '../../runtime/config.js';
import { evaluateRule, makeProbes, type RuleResult } from './cctv-accuracy.js';
import { NIGHT_VARIANTS } from './cctv-probes.js';
import { npmStrangers, type Photo, sourceFaces } from './photo-sets.js';

export const NIGHT_WIDTHS = [48, 64, 96] as const;

export interface NightReport {
  probe_frames: number;
  faces_found: number;
  /** How many night faces each check refuses (a face can fail several). */
  refused_by: Record<string, number>;
  /** Distances of the faces refused only for exposure or sharpness: would they name the right person? */
  refused_for_light: { faces: number; genuine_median: number | null; impostor_min: number | null };
  rules: RuleResult[];
}

const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]! : null);

export async function nightReport(photos: Photo[]): Promise<NightReport> {
  const cfg = loadConfig({ overrides: { 'identify.minFacePx': 8 } });
  const chain = await FaceChain.create(cfg);
  const enrolled = await sourceFaces(chain, photos);
  const strangers = await npmStrangers(chain);
  const probes = await makeProbes(chain, enrolled, strangers, { widths: NIGHT_WIDTHS, variants: NIGHT_VARIANTS });
  const quality = cfg.identify.voteQuality;
  const vote = identifyVoteOptions(cfg.identify, chain.matchThreshold);

  const refusedBy: Record<string, number> = {};
  const light = new Set(['badly_exposed', 'too_blurred']);
  const lightOnly = probes.filter((p) => {
    if (!p.face) return false;
    const problems = qualityProblems(p.face.measures, quality);
    for (const x of problems) refusedBy[x] = (refusedBy[x] ?? 0) + 1;
    return problems.length > 0 && problems.every((x) => light.has(x));
  });
  const genuine = lightOnly.flatMap((p) => (p.genuine === null ? [] : [p.genuine]));
  const impostor = lightOnly.flatMap((p) => (p.asStranger ? [p.asStranger.distance] : []));

  // Every night probe is a low-light face (the whole picture is dark), so the low-light rule applies to all of them.
  const rule = (name: string, q: Partial<QualityRule>, lowLightScale: number | undefined) => ({
    name,
    quality: { ...quality, ...q },
    vote: { ...vote, lowLightScale },
  });
  const rules = [
    rule('before: no low-light rule (contrast from 10, day threshold)', { lowLightMinContrast: undefined }, undefined),
    rule('before, threshold x 0.9', { lowLightMinContrast: undefined }, 0.9),
    rule('contrast from 5, day threshold', { lowLightMinContrast: 5 }, undefined),
    rule('default: contrast from 5, threshold x 0.9', {}, vote.lowLightScale),
    rule('contrast from 5, threshold x 0.85', { lowLightMinContrast: 5 }, 0.85),
    rule(
      'no exposure or sharpness check, threshold x 0.9',
      { lowLightMinContrast: 0, minContrast: 0, minBrightness: 0, maxBrightness: 255, minSharpness: 0 },
      0.9,
    ),
  ].map((r) => evaluateRule(probes, r));
  return {
    probe_frames: probes.length,
    faces_found: probes.filter((p) => p.face).length,
    refused_by: refusedBy,
    refused_for_light: {
      faces: lightOnly.length,
      genuine_median: median(genuine),
      impostor_min: impostor.length ? Math.min(...impostor) : null,
    },
    rules,
  };
}
