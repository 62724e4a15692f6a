/** Converting the built-in models to ONNX once and caching them (`watchpost models prepare`). */
export {
  ensureModel,
  modelCacheDir,
  prepareAll,
  type ModelTensor,
  type PrepareOptions,
  type PrepareProgress,
  type PrepareStage,
  type PreparedModel,
} from './ensure-model.js';
export { MODEL_NAMES, type ModelName } from './model-sources.js';
export { CONVERTER_VERSION } from './cache-manifest.js';
export { PackageNotFoundError } from './package-dir.js';
