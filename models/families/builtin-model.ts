import { availableParallelism } from 'node:os';
import type { Config } from '../../pipeline/config/index.js';
import type { Logger } from '../../runtime/logger.js';
import { ensureModel, modelCacheDir } from '../prepare/index.js';
import { openSession, type ModelSession } from '../session.js';

/** Models converted from npm packages by `watchpost models prepare`. */
export type BuiltinModel =
  | 'blazeface'
  | 'centernet'
  | 'centernetWide'
  | 'faceres'
  | 'faceLandmark68'
  | 'faceRecognition';

/** Threads and instances from `models` (instances 0: one per core). */
const sessionOptions = (cfg: Config) => ({
  threads: cfg.models.threads,
  instances: cfg.models.instances || availableParallelism(),
});

/** Session of a built-in model, converting it first when the cache lacks it. */
export async function builtinSession(cfg: Config, name: BuiltinModel, log?: Logger): Promise<ModelSession> {
  const prepared = await ensureModel(name, { cacheDir: modelCacheDir(cfg), log });
  return openSession(prepared.path, sessionOptions(cfg));
}

/** Session of a bring-your-own ONNX file named in the config. */
export function fileSession(cfg: Config, path: string): Promise<ModelSession> {
  return openSession(path, sessionOptions(cfg));
}
