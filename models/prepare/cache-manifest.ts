/**
 * `manifest.json` of the model cache: per model, where it came from (package, version,
 * sha256 and size of every source file) and what was written (sha256, size, inputs, outputs).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Bumped whenever the converter or the face-api graph builders change their output,
 * so caches written by an older watchpost are rebuilt rather than trusted.
 */
export const CONVERTER_VERSION = 1;

export const MANIFEST_FILE = 'manifest.json';

const tensorSchema = z.object({ name: z.string(), shape: z.array(z.union([z.number(), z.string()])) });

export const manifestEntrySchema = z.object({
  file: z.string(),
  converterVersion: z.number(),
  source: z.object({
    package: z.string(),
    version: z.string(),
    files: z.array(z.object({ path: z.string(), bytes: z.number(), sha256: z.string() })),
  }),
  /** The ONNX file as written: size, sha256 and modification time (the fast validity check). */
  output: z.object({ bytes: z.number(), sha256: z.string(), mtimeMs: z.number() }),
  inputs: z.array(tensorSchema),
  outputs: z.array(tensorSchema),
  builtAt: z.string(),
  buildMs: z.number(),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

const manifestSchema = z.object({ models: z.record(z.string(), manifestEntrySchema) });
export type CacheManifest = z.infer<typeof manifestSchema>;

/** The manifest, or an empty one when missing; `problem` says why an existing one was unusable. */
export async function readManifest(cacheDir: string): Promise<{ manifest: CacheManifest; problem?: string }> {
  let text: string;
  try {
    text = await readFile(join(cacheDir, MANIFEST_FILE), 'utf8');
  } catch {
    return { manifest: { models: {} } };
  }
  try {
    return { manifest: manifestSchema.parse(JSON.parse(text)) };
  } catch (err) {
    return {
      manifest: { models: {} },
      problem: `unreadable ${MANIFEST_FILE} (${(err as Error).message.split('\n')[0]}), rebuilding`,
    };
  }
}

/** Writes the manifest atomically (temp file + rename), so a reader never sees half of it. */
export async function writeManifest(cacheDir: string, manifest: CacheManifest): Promise<void> {
  const tmp = join(cacheDir, `${MANIFEST_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, join(cacheDir, MANIFEST_FILE));
}
