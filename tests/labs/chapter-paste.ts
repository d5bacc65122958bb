// A lab's starter with the chapter's own code pasted into its TODOs: the
// proof that an attendee who types what the chapter shows passes the lab.
//
// The chapter's code has one copy, web/src/workspace/chapter/ (the files the
// site runs by default, also read by the Python tests). A lab's chapter.json
// only points into it:
//
//   { "pastes": [ { "todo": "timer", "file": "workflows.py", "from": "workflows.py", "anchor": "await workflow.sleep(" } ],
//     "fails": { "<step id>": "why the chapter's own code does not pass this step" } }
//
// A lab the chapter has no code for says so instead: { "pastes": [], "noChapterCode": "why" }.
//
// Each paste replaces the line `# TODO(<todo>): ...` of the starter's `file`
// with the chapter statement (in `from`, default `file`) whose first line
// contains `anchor`: that line, the decorators above it, its continuation
// lines while brackets are open, and its indented block if it ends with ":".
// The statement keeps its shape and takes the TODO's indentation.
import { readFileSync } from 'node:fs';

const CHAPTER_DIR = new URL('../../web/src/workspace/chapter/', import.meta.url);

export interface ChapterPaste {
  todo: string;
  file: string;
  from?: string;
  anchor: string;
}

export interface ChapterFixture {
  pastes: ChapterPaste[];
  /** Steps the chapter's code fails, by step id, with the reason (the lesson the lab adds). */
  fails: Record<string, string>;
  /** Why there are no pastes, for a lab the chapter has no code for. */
  noChapterCode?: string;
}

/** Parses chapter.json; throws naming what is wrong. */
export function parseChapterFixture(text: string, where: string): ChapterFixture {
  const raw = JSON.parse(text) as Partial<ChapterFixture>;
  const { pastes, noChapterCode } = raw;
  const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
  if (!Array.isArray(pastes) || !pastes.every((p) => isText(p?.todo) && isText(p?.file) && isText(p?.anchor)
      && (p.from === undefined || isText(p.from)))) {
    throw new Error(`${where}: "pastes" must be a list of {todo, file, anchor, from?}`);
  }
  if ((pastes.length === 0) !== isText(noChapterCode)) {
    throw new Error(`${where}: give either pastes, or an empty list and "noChapterCode" saying why the chapter has no code for this lab`);
  }
  const fails = raw.fails ?? {};
  if (typeof fails !== 'object' || Array.isArray(fails) || !Object.values(fails).every(isText)) {
    throw new Error(`${where}: "fails" must map step ids to the reason the chapter's code fails them`);
  }
  return { pastes, fails, ...(noChapterCode === undefined ? {} : { noChapterCode }) };
}

/** `starter` with every paste applied. */
export function pasteChapterCode(starter: Record<string, string>, fixture: ChapterFixture): Record<string, string> {
  const files = { ...starter };
  for (const paste of fixture.pastes) {
    const chapter = readFileSync(new URL(paste.from ?? paste.file, CHAPTER_DIR), 'utf8');
    const statement = chapterStatement(chapter, paste.anchor, paste.from ?? paste.file);
    const target = files[paste.file];
    if (target === undefined) throw new Error(`the starter has no ${paste.file} for TODO(${paste.todo})`);
    files[paste.file] = replaceTodo(target, paste.todo, statement, paste.file);
  }
  return files;
}

/** The chapter statement whose first line contains `anchor`, dedented. */
export function chapterStatement(source: string, anchor: string, file: string): string[] {
  const lines = source.split('\n');
  const hits = lines.flatMap((line, i) => (line.includes(anchor) ? [i] : []));
  if (hits.length !== 1) throw new Error(`the chapter's ${file} has ${hits.length} lines with ${JSON.stringify(anchor)}; an anchor must pick one`);
  const at = hits[0]!;
  const base = indentOf(lines[at]!);
  let first = at;
  while (first > 0 && lines[first - 1]!.trim().startsWith('@') && indentOf(lines[first - 1]!) === base) first--;
  let last = at;
  for (let depth = bracketBalance(lines[at]!); depth > 0 && last + 1 < lines.length;) depth += bracketBalance(lines[++last]!);
  if (lines[last]!.trimEnd().endsWith(':')) {
    while (last + 1 < lines.length && (lines[last + 1]!.trim() === '' || indentOf(lines[last + 1]!) > base)) last++;
    while (lines[last]!.trim() === '') last--;
  }
  return lines.slice(first, last + 1).map((line) => line.slice(Math.min(base, indentOf(line))));
}

function replaceTodo(source: string, todo: string, statement: string[], file: string): string {
  const lines = source.split('\n');
  const marker = `# TODO(${todo}):`;
  const hits = lines.flatMap((line, i) => (line.trim().startsWith(marker) ? [i] : []));
  if (hits.length !== 1) throw new Error(`the starter's ${file} has ${hits.length} lines starting with ${marker}; it needs exactly one`);
  const indent = ' '.repeat(indentOf(lines[hits[0]!]!));
  lines.splice(hits[0]!, 1, ...statement.map((line) => (line === '' ? '' : indent + line)));
  return lines.join('\n');
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** Opened minus closed brackets on a line, outside string literals. */
function bracketBalance(line: string): number {
  const code = line.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '').replace(/#.*$/, '');
  let balance = 0;
  for (const ch of code) {
    if ('([{'.includes(ch)) balance++;
    else if (')]}'.includes(ch)) balance--;
  }
  return balance;
}
