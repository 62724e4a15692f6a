import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../runtime/errors.js';

interface Problem {
  detail?: string;
  reason?: string;
}

async function call(
  base: string,
  key: string,
  path: string,
  init: RequestInit,
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...(init.headers ?? {}) },
    });
  } catch (err) {
    throw new Error(`cannot reach the API at ${base}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

export function register(program: Command): void {
  program
    .command('enroll')
    .description('enrol a perpetrator from photos through the API')
    .argument('<name>', 'display name')
    .argument('<photo...>', 'photos, each with exactly one usable face')
    .option('--api <url>', 'API base URL', 'http://127.0.0.1:8080')
    .option('--key <key>', 'API key (default: $WATCHPOST_API_KEY)')
    .option('--id <perpetratorId>', 'add the photos to an existing perpetrator instead of creating one')
    .option('--watch-everywhere', 'watch this perpetrator on every camera, not only those of linked cases')
    .action(
      async (
        name: string,
        photos: string[],
        opts: { api: string; key?: string; id?: string; watchEverywhere?: boolean },
      ) => {
        const key = opts.key ?? process.env.WATCHPOST_API_KEY;
        if (!key)
          throw new UsageError(
            'an API key is needed: --key <key> or WATCHPOST_API_KEY (create one with `watchpost keys create --role operator --name ...`)',
          );
        let id = opts.id;
        if (!id) {
          const r = await call(opts.api, key, '/v1/perpetrators', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name, watchEverywhere: opts.watchEverywhere === true }),
          });
          if (r.status !== 201)
            throw new Error(
              `creating '${name}' failed (${r.status}): ${(r.body as Problem).detail ?? JSON.stringify(r.body)}`,
            );
          id = (r.body as { id: string }).id;
          process.stdout.write(`perpetrator ${id} '${name}' created\n`);
        }
        let enrolled = 0;
        for (const file of photos) {
          let bytes: Buffer;
          try {
            bytes = await readFile(file);
          } catch (err) {
            process.stdout.write(`  ${basename(file)}: cannot read (${(err as NodeJS.ErrnoException).code})\n`);
            continue;
          }
          const r = await call(opts.api, key, `/v1/perpetrators/${id}/photos`, {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream' },
            body: new Uint8Array(bytes),
          });
          if (r.status === 201) {
            enrolled++;
            process.stdout.write(`  ${basename(file)}: enrolled\n`);
          } else {
            const p = r.body as Problem;
            process.stdout.write(
              `  ${basename(file)}: rejected (${r.status}${p.reason ? ` ${p.reason}` : ''}): ${p.detail ?? JSON.stringify(r.body)}\n`,
            );
          }
        }
        process.stdout.write(`${enrolled} of ${photos.length} photo(s) enrolled for ${id}\n`);
        if (enrolled === 0) process.exitCode = 1;
      },
    );
}
