/**
 * Lists every function longer than a limit (default 120 lines, first to last line of the function,
 * nested functions included in their parent), longest first: `npx tsx scripts/long-functions.ts
 * [--max N] [folders...]` (default folders: src web/src). Exits 1 when one is found, so it can gate.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

interface Found {
  file: string;
  line: number;
  lines: number;
  name: string;
}

function parseArgs(argv: string[]): { max: number; roots: string[] } {
  let max = 120;
  const roots: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--max') {
      max = Number(argv[++i]);
      if (!Number.isInteger(max) || max < 1)
        throw new Error(`--max: expected a whole number, got '${argv[i]}'`);
    } else roots.push(a);
  }
  return { max, roots: roots.length ? roots : ['src', 'web/src'] };
}

function sourceFiles(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') out.push(...sourceFiles(p));
    } else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The name a person would look for: the declaration's, the variable's or the property's. */
function nameOf(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
    return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

function longFunctions(file: string, max: number): Found[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Found[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > max) found.push({ file, line: start + 1, lines, name: nameOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const { max, roots } = parseArgs(process.argv.slice(2));
const all = roots
  .flatMap((r) => sourceFiles(r))
  .filter((f) => !/\.test\.tsx?$/.test(f))
  .flatMap((f) => longFunctions(f, max))
  .sort((a, b) => b.lines - a.lines);
for (const f of all)
  console.log(`${String(f.lines).padStart(5)}  ${relative('.', f.file)}:${f.line}  ${f.name}`);
console.log(`${all.length} function(s) over ${max} lines in ${roots.join(', ')} (tests not counted)`);
process.exitCode = all.length ? 1 : 0;
