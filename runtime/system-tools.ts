import { spawnSync } from 'node:child_process';

/** A program the project needs is not installed; the message says how to install it. */
export class MissingToolError extends Error {
  override name = 'MissingToolError';
  constructor(
    readonly tool: string,
    readonly debianPackage: string,
  ) {
    super(
      `${tool} is not installed or not on PATH. Install it with:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${debianPackage}\n` +
        `or set ${tool.toUpperCase().replace(/-/g, '_')}_PATH to its location.`,
    );
  }
}

const found = new Map<string, string>();

/** Absolute path of `tool` (env override `<TOOL>_PATH`, then PATH), or throws MissingToolError. */
export function requireTool(tool: string, debianPackage: string): string {
  const cached = found.get(tool);
  if (cached) return cached;
  const override = process.env[`${tool.toUpperCase().replace(/-/g, '_')}_PATH`];
  const candidate = override ?? tool;
  const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
  const probe2 = probe.error ? spawnSync(candidate, ['-version'], { stdio: 'ignore' }) : probe;
  if (probe2.error) throw new MissingToolError(tool, debianPackage);
  found.set(tool, candidate);
  return candidate;
}

export const requireFfmpeg = () => requireTool('ffmpeg', 'ffmpeg');
export const requireFfprobe = () => requireTool('ffprobe', 'ffmpeg');
export const requireRedisServer = () => requireTool('redis-server', 'redis-server');
