/**
 * Size limits the code review asks for, checked on every `npm run check`: no source file over
 * 400 lines, no function over 100 lines, no line over 160 characters. Biome's own size rules
 * count a test's `describe` block as one function and know no line length, hence this script.
 * Exit code 1 lists each offender.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 100;
const MAX_LINE_CHARS = 160;

/** Declarative tables, exempt from the function limit: one short reason each. */
const FUNCTION_ALLOW: { path: RegExp; fn: RegExp; reason: string }[] = [
  {
    path: /^api\/controllers\/[\w-]+\.controller\.ts$/,
    fn: /Routes$/,
    reason: 'a route table: one RouteDef per route, each a few lines of path, roles and schemas',
  },
  {
    path: /^storage\/database\/migrations\/\d+_[\w-]+\.ts$/,
    fn: /./,
    reason: 'a migration: one create-table statement after another',
  },
];

const CODE = /\.(ts|tsx|js|cjs|mjs)$/;
const TEXT = /\.(ts|tsx|js|cjs|mjs|css|html|sh|ya?ml)$/;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => TEXT.test(f));

/** A function passed to describe(...) is a group of tests, not a function to keep short. */
function isDescribeBody(node: ts.Node): boolean {
  const call = node.parent;
  if (!call || !ts.isCallExpression(call)) return false;
  let callee: ts.Expression = call.expression;
  while (ts.isCallExpression(callee) || ts.isPropertyAccessExpression(callee)) callee = callee.expression;
  return ts.isIdentifier(callee) && callee.text === 'describe';
}

function functionName(node: ts.FunctionLikeDeclaration): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const p = node.parent;
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return '(anonymous)';
}

function longFunctions(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body && !isDescribeBody(node)) {
      const fn = node as ts.FunctionLikeDeclaration;
      const first = lineOf(fn.getStart(source));
      const lines = lineOf(fn.getEnd()) - first + 1;
      const name = functionName(fn);
      const allowed = FUNCTION_ALLOW.some((a) => a.path.test(path) && a.fn.test(name));
      if (lines > MAX_FUNCTION_LINES && !allowed) out.push(`${path}:${first} function ${name} has ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const problems: string[] = [];
for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  lines.forEach((line, i) => {
    if (line.length > MAX_LINE_CHARS) problems.push(`${path}:${i + 1} line has ${line.length} characters`);
  });
  if (!CODE.test(path)) continue;
  if (lines.length > MAX_FILE_LINES) problems.push(`${path} has ${lines.length} lines`);
  problems.push(...longFunctions(path, text));
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(
    `\n${problems.length} over the limits (file ${MAX_FILE_LINES} lines, function ${MAX_FUNCTION_LINES} lines, ` +
      `line ${MAX_LINE_CHARS} characters): split or shorten them.`,
  );
  process.exit(1);
}
console.log(`sizes ok: ${files.length} files within the limits`);
