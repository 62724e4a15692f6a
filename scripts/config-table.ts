/**
 * The README's configuration table, generated from the config schema: keys, types and
 * defaults from `configSchema` (zod), each key's text from the one-line doc comment on it
 * in pipeline/config/*.ts. `npm run docs:config` rewrites the table between the markers;
 * scripts/config-table.test.ts fails when README and schema disagree.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { z } from 'zod';
import { configSchema } from '../pipeline/config/index.js';

const ROOT = join(import.meta.dirname, '..');
const CONFIG_DIR = join(ROOT, 'pipeline', 'config');
export const README = join(ROOT, 'README.md');
export const BEGIN = '<!-- config-table:begin (npm run docs:config) -->';
export const END = '<!-- config-table:end -->';

interface DocEntry {
  text: string | null;
  /** Schema variables the property's value is built from (`ingest: ingestSchema.prefault({})`). */
  refs: string[];
}

/** Doc comments of every property in the config files, by `<schema variable>.<property path>`. */
function docComments(): Map<string, DocEntry> {
  const docs = new Map<string, DocEntry>();
  for (const file of readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(CONFIG_DIR, file), 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
    );
    const visit = (node: ts.Node, variable: string | null, chain: string[]): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) variable = node.name.text;
      if (variable && ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
        chain = [...chain, node.name.text];
        const jsDoc = (node as { jsDoc?: ts.JSDoc[] }).jsDoc?.at(-1);
        const comment = typeof jsDoc?.comment === 'string' ? jsDoc.comment : null;
        const refs = [...node.initializer.getText(source).matchAll(/\b(\w+Schema)\b/g)].map((m) => m[1] ?? '');
        docs.set(`${variable}.${chain.join('.')}`, { text: comment?.replace(/\s+/g, ' ').trim() ?? null, refs });
      }
      ts.forEachChild(node, (child) => visit(child, variable, chain));
    };
    visit(source, null, []);
  }
  return docs;
}

/** The text of the key at `path` (array levels left out), following schema variables it is built from. */
function describe(docs: Map<string, DocEntry>, variable: string, path: string[]): string | null {
  const own = docs.get(`${variable}.${path.join('.')}`);
  if (own?.text) return own.text;
  for (let i = path.length - 1; i >= 1; i--) {
    for (const ref of docs.get(`${variable}.${path.slice(0, i).join('.')}`)?.refs ?? []) {
      const found = describe(docs, ref, path.slice(i));
      if (found) return found;
    }
  }
  return null;
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  const?: unknown;
}

export interface ConfigRow {
  key: string;
  default: string;
  text: string | null;
}

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const formatDefault = (v: unknown): string =>
  v === undefined ? 'unset' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : code(v);

/** One row per key: sections are walked into, arrays of objects list their item keys, model unions are one row. */
export function configRows(): ConfigRow[] {
  const docs = docComments();
  const defaults: unknown = configSchema.parse({});
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: ConfigRow[] = [];
  const at = (path: string[]) =>
    path.reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      defaults,
    );
  const walk = (node: JsonSchema, path: string[], key: string, inArray: boolean) => {
    const text = describe(docs, 'configSchema', path);
    if (node.oneOf) {
      const families = node.oneOf.map((variant) => {
        const { family, ...rest } = variant.properties ?? {};
        const keys = Object.keys(rest);
        return `${family?.const}${keys.length ? ` (${keys.join(', ')})` : ''}`;
      });
      rows.push({
        key,
        default: formatDefault(at(path)),
        text: `${text ?? ''} Families: ${families.join('; ')}.`.trim(),
      });
    } else if (node.type === 'object' && node.properties) {
      for (const [k, child] of Object.entries(node.properties)) walk(child, [...path, k], `${key}.${k}`, inArray);
    } else if (node.type === 'array' && node.items?.type === 'object' && node.items.properties) {
      rows.push({ key: `${key}[]`, default: formatDefault(at(path)), text });
      for (const [k, child] of Object.entries(node.items.properties)) walk(child, [...path, k], `${key}[].${k}`, true);
    } else {
      rows.push({ key, default: inArray ? '' : formatDefault(at(path)), text });
    }
  };
  for (const [k, child] of Object.entries(schema.properties ?? {})) walk(child, [k], k, false);
  return rows;
}

/** Pipes would end the cell; `<dataDir>` would read as an HTML tag. */
const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/(?<!`)<(\w+)>(?!`)/g, '`<$1>`');

/** The markdown table (with its markers) for the README. */
export function configTable(rows = configRows()): string {
  const lines = [
    BEGIN,
    '| key | default | what it does |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| \`${r.key}\` | ${escapeCell(r.default)} | ${escapeCell(r.text ?? '')} |`),
    END,
  ];
  return lines.join('\n');
}

/** The README with its table replaced by `table`. */
export function withTable(readme: string, table: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} ... ${END} block`);
  return readme.slice(0, begin) + table + readme.slice(end + END.length);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const missing = configRows().filter((r) => !r.text);
  if (missing.length) {
    console.error(`config keys without a doc comment in pipeline/config: ${missing.map((r) => r.key).join(', ')}`);
    process.exit(1);
  }
  writeFileSync(README, withTable(readFileSync(README, 'utf8'), configTable()));
  console.log('README.md: configuration table rewritten');
}
