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

let filters: Set<string> | null = null;

/** Whether the installed ffmpeg has a filter (builds differ: zscale needs libzimg). Asked once per process. */
export function ffmpegHasFilter(name: string): boolean {
  if (!filters) {
    const out = spawnSync(requireFfmpeg(), ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout ?? '';
    // Lines like " TSC zscale            V->V       Apply resizing, ...".
    filters = new Set(out.split('\n').flatMap((line) => line.match(/^\s*[.A-Z|]{3}\s+(\S+)\s/)?.[1] ?? []));
  }
  return filters.has(name);
}
