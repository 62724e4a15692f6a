import type { Config } from '../../pipeline/config/index.js';
import type { Logger } from '../../runtime/logger.js';
import { ensureModel, modelCacheDir } from '../prepare/index.js';
import { openSession, type ModelSession } from '../session.js';

/** Models converted from npm packages by `watchpost models prepare`. */
export type BuiltinModel = 'blazeface' | 'centernet' | 'faceres' | 'faceLandmark68' | 'faceRecognition';

/** Session of a built-in model, converting it first when the cache lacks it. */
export async function builtinSession(cfg: Config, name: BuiltinModel, log?: Logger): Promise<ModelSession> {
  const prepared = await ensureModel(name, { cacheDir: modelCacheDir(cfg), log });
  return openSession(prepared.path, { threads: cfg.models.threads });
}

/** Session of a bring-your-own ONNX file named in the config. */
export function fileSession(cfg: Config, path: string): Promise<ModelSession> {
  return openSession(path, { threads: cfg.models.threads });
}
