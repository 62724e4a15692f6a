/** Locates installed npm packages on disk (their `exports` maps hide model files from require.resolve). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export class PackageNotFoundError extends Error {
  override name = 'PackageNotFoundError';
}

/** Folder of an installed package, searched the way Node resolves modules from here. */
export function packageDir(name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new PackageNotFoundError(`npm package ${name} is not installed (run npm install)`);
}

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}
