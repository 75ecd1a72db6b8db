/**
 * What the comments of src/ point a reader to exists: each file they name (`spatial/kd-tree.ts`,
 * docs/data.md), each function they name with its parentheses (`tagOf()`), and each section of the
 * README or of docs/ they send the reader to ("README, Errors", "docs/data.md's Sources section").
 * Comments are read from the TypeScript syntax tree, so text inside strings is never taken for one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = path.join(ROOT, 'src');

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : files(full, pattern);
    return pattern.test(entry.name) ? [full] : [];
  });
}

interface Comment {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Every comment of a source file, each once, with the line it starts on. */
function commentsOf(file: string): Comment[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Map<number, Comment>();
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (!seen.has(range.pos)) {
        seen.set(range.pos, { file: path.relative(ROOT, file), line: source.getLineAndCharacterOfPosition(range.pos).line + 1, text: text.slice(range.pos, range.end) });
      }
    }
  };
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    node.forEachChild(visit);
  };
  visit(source);
  return [...seen.values()];
}

/** The code of a source file with its comments left out: what a named function must appear in. */
function codeOf(file: string): string {
  const text = readFileSync(file, 'utf8');
  let code = '';
  let at = 0;
  for (const comment of commentsOf(file).sort((a, b) => text.indexOf(a.text) - text.indexOf(b.text))) {
    const start = text.indexOf(comment.text, at);
    if (start < 0) continue;
    code += text.slice(at, start);
    at = start + comment.text.length;
  }
  return code + text.slice(at);
}

/** The headings of a Markdown file, lower-cased, without their hashes. */
function headingsOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.replace(/^#+ /, '').toLowerCase());
}

const SOURCES = files(SRC, /\.ts$/).filter((file) => !file.includes(`${path.sep}generated${path.sep}`));
const COMMENTS = SOURCES.flatMap(commentsOf);
const REPO_FILES = files(ROOT, /\.[a-z]+$/).map((file) => path.relative(ROOT, file));
const where = (c: Comment) => `${c.file}:${c.line}`;

/** Functions of our dependencies that comments name, with the package that must still hold each. */
const FOREIGN: Record<string, string> = { preventCsrf: '@apollo/server', willResolveField: '@apollo/server', resetMetrics: 'prom-client' };

/** Whether any JavaScript or declaration file of an installed package mentions `name`. */
function packageMentions(pkg: string, name: string): boolean {
  return files(path.join(ROOT, 'node_modules', pkg), /\.(?:c?js|d\.ts)$/).some((file) => readFileSync(file, 'utf8').includes(name));
}

/** Whether a path a comment names is a file of the repository: from the root, from src/, or by its tail. */
function fileExists(named: string, from: string): boolean {
  if (existsSync(path.join(ROOT, named)) || existsSync(path.join(SRC, named)) || existsSync(path.resolve(path.dirname(path.join(ROOT, from)), named))) return true;
  return REPO_FILES.some((file) => file === named || file.endsWith(`/${named}`));
}

describe('the comments of src/', () => {
  it('are read from every source file', () => {
    expect(SOURCES.length).toBeGreaterThan(50);
    expect(COMMENTS.length).toBeGreaterThan(SOURCES.length);
  });

  it('name only files that exist', () => {
    const missing = COMMENTS.flatMap((comment) =>
      // Our files are named in lower case: `Node.js`, or GeographicLib's `Geodesic.js`, are not ours.
      [...comment.text.matchAll(/(?<![\w@/.-])((?:[\w-]+\/)*[a-z][\w-]*\.(?:ts|mjs|js|md|graphql|json|sh|yaml))\b/g)]
        .map((match) => match[1]!)
        .filter((named) => !fileExists(named, comment.file))
        .map((named) => `${where(comment)}: ${named}`),
    );
    expect(missing).toEqual([]);
  });

  it('name only functions that the code holds, or that a dependency named here still has', () => {
    const code = [...SOURCES, ...files(path.join(ROOT, 'test'), /\.ts$/)].map(codeOf).join('\n');
    const missing = COMMENTS.flatMap((comment) =>
      [...comment.text.matchAll(/`(?:[\w.]+\.)?([a-z]+[A-Z]\w*|\w+(?=\(\)))(?:\(\))?`/g)]
        .map((match) => match[1]!)
        .filter((name) => !new RegExp(`\\b${name}\\b`).test(code) && !(name in FOREIGN && packageMentions(FOREIGN[name]!, name)))
        .map((name) => `${where(comment)}: ${name}()`),
    );
    expect(missing).toEqual([]);
  });

  it('send the reader only to sections that exist', () => {
    const missing = COMMENTS.flatMap((comment) => {
      const text = comment.text.replace(/\s*\n\s*(?:\*|\/\/)?\s*/g, ' ');
      const references = [
        ...[...text.matchAll(/\b(README|docs\/[\w-]+\.md), ([A-Z][\w-]*(?: [a-z][\w-]*)*(?: [A-Z][\w-]*)*)/g)].map((m) => [m[1]!, m[2]!] as const),
        ...[...text.matchAll(/\b(README|docs\/[\w-]+\.md)'s ([A-Z][\w -]*?) section/g)].map((m) => [m[1]!, m[2]!] as const),
      ];
      return references
        .filter(([document, section]) => {
          const file = path.join(ROOT, document === 'README' ? 'README.md' : document);
          return !existsSync(file) || !headingsOf(file).some((heading) => heading.includes(section.toLowerCase()));
        })
        .map(([document, section]) => `${where(comment)}: ${document}, ${section}`);
    });
    expect(missing).toEqual([]);
  });

  it('carry no `Private:` labels (a function not exported is private already)', () => {
    expect(COMMENTS.filter((comment) => /^\/\/\s*Private:/.test(comment.text)).map(where)).toEqual([]);
  });

  it('take at most a fifth as many lines as the code', () => {
    let commentLines = 0;
    let codeLines = 0;
    for (const file of SOURCES) {
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n').filter((line) => line.trim() !== '').length;
      const inComments = commentsOf(file).reduce((sum, comment) => sum + comment.text.split('\n').length, 0);
      commentLines += inComments;
      codeLines += lines - inComments;
    }
    expect(commentLines / codeLines).toBeLessThanOrEqual(0.2);
  });
});
