// docs/bad-input.md against the tests it names, so the catalogue cannot drift
// from them: every row names a test that exists under that exact name, every
// layer has rows, the examples each have a row, and every message the
// catalogue quotes is in the code or in the row's tests (so a changed message
// changes the catalogue too). Reads files only; no engine needed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CATALOGUE = join(ROOT, 'docs', 'bad-input.md');

const LAYERS = ['Engine', 'Runtime and Python', 'MCP', 'UI and browser storage'] as const;
type Layer = (typeof LAYERS)[number];

interface TestRef { file: string; name: string }
interface Row {
  number: number;
  layer: Layer;
  cells: { case: string; input: string; expected: string; kept: string; test: string };
  tests: TestRef[];
}

/** Splits a Markdown table line into cells; a | inside `code` or escaped as \| does not split. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let code = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === '|') { cell += '|'; i++; continue; }
    if (c === '`') code = !code;
    if (c === '|' && !code) { out.push(cell.trim()); cell = ''; continue; }
    cell += c;
  }
  out.push(cell.trim());
  return out.slice(1, -1); // the text before the first | and after the last one
}

const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

function parseCatalogue(text: string): Row[] {
  const rows: Row[] = [];
  let layer: Layer | null = null;
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      layer = (LAYERS as readonly string[]).includes(heading[1]!.trim()) ? (heading[1]!.trim() as Layer) : null;
      continue;
    }
    if (!line.startsWith('|')) continue;
    const row = cells(line);
    if (!/^\d+$/.test(row[0] ?? '')) continue; // the header and the --- line
    assert.ok(layer, `row ${row[0]} is not under one of the layers ${LAYERS.join(', ')}`);
    assert.equal(row.length, 6, `row ${row[0]} has ${row.length} cells, not 6: ${line}`);
    const [number, kase, input, expected, kept, tests] = row as [string, string, string, string, string, string];
    const spans = codeSpans(tests);
    const refs: TestRef[] = [];
    for (let i = 0; i < spans.length; i += 2) {
      assert.match(spans[i]!, /^tests\//, `row ${number}: a test is named as \`path\` \`name\`, got ${spans[i]}`);
      assert.ok(spans[i + 1], `row ${number}: ${spans[i]} names no test`);
      refs.push({ file: spans[i]!, name: spans[i + 1]! });
    }
    rows.push({ number: Number(number), layer, cells: { case: kase, input, expected, kept, test: tests }, tests: refs });
  }
  return rows;
}

/** Undoes a JavaScript string literal's escapes (\', \", \\, \uXXXX, \n). */
function unescapeJs(body: string): string {
  return body.replace(/\\(u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|n|t|(.))/g, (_, __, braced: string, hex: string, other: string) =>
    braced ? String.fromCodePoint(parseInt(braced, 16)) : hex ? String.fromCharCode(parseInt(hex, 16)) : other ?? (_ === '\\n' ? '\n' : '\t'));
}

/** The names of node:test tests in a file: test('…') / test("…") / it(…), plain string literals. */
function nodeTestNames(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/\b(?:test|it)\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")/g)) {
    names.add(unescapeJs(m[1] ?? m[2] ?? ''));
  }
  return names;
}

/** unittest: `Class.test_method` is a method of that class (or `test_method` anywhere). */
function hasPythonTest(source: string, name: string): boolean {
  const [cls, method] = name.includes('.') ? name.split('.') as [string, string] : [null, name];
  if (!/^test_\w+$/.test(method)) return false;
  const def = new RegExp(`^\\s+(?:async\\s+)?def ${method}\\(self`, 'm');
  if (!cls) return def.test(source);
  const start = source.search(new RegExp(`^class ${cls}\\b`, 'm'));
  if (start < 0) return false;
  const body = source.slice(source.indexOf('\n', start) + 1);
  const end = body.search(/^[^\s#]/m); // the next top-level statement ends the class
  return def.test(end < 0 ? body : body.slice(0, end));
}

/** GoogleTest: `Suite.Name` is TEST(Suite, Name), TEST_F or TEST_P. */
function hasGTest(source: string, name: string): boolean {
  const [suite, test] = name.split('.');
  if (!suite || !test) return false;
  return new RegExp(`\\bTEST(?:_F|_P)?\\(\\s*${suite}\\s*,\\s*${test}\\s*\\)`).test(source);
}

function hasTest(ref: TestRef): boolean {
  const source = readFileSync(join(ROOT, ref.file), 'utf8');
  if (/\.(ts|mjs|js)$/.test(ref.file)) return nodeTestNames(source).has(ref.name);
  if (ref.file.endsWith('.py')) return hasPythonTest(source, ref.name);
  if (ref.file.endsWith('.cc')) return hasGTest(source, ref.name);
  return false;
}

/** The product's source text: where a quoted message may come from. */
function productSources(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'node_modules' && entry !== '__pycache__') walk(path);
      } else if (/\.(ts|py|cc|h)$/.test(entry)) {
        texts.push(readFileSync(path, 'utf8'));
      }
    }
  };
  for (const dir of ['web/src', 'web/python', 'wasm/src', 'wasm/bindings', 'wasm/include']) walk(join(ROOT, dir));
  return texts.join('\n');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A quoted piece is in the text as written, as a C++ string writes its quotes, or as a test's regular expression writes it. */
function quoted(piece: string, text: string): boolean {
  return text.includes(piece) || text.includes(piece.replaceAll('"', '\\"')) || text.includes(escapeRegExp(piece));
}

const catalogue = readFileSync(CATALOGUE, 'utf8');
const rows = parseCatalogue(catalogue);

test('the catalogue has at least 30 cases, numbered 1 to N, each with what is kept', () => {
  assert.ok(rows.length >= 30, `only ${rows.length} rows`);
  assert.deepEqual(rows.map((r) => r.number), rows.map((_, i) => i + 1));
  for (const row of rows) {
    for (const [name, text] of Object.entries(row.cells)) assert.ok(text.length > 0, `row ${row.number}: empty ${name}`);
    assert.ok(row.tests.length > 0, `row ${row.number} names no test`);
  }
});

test('every test the catalogue names exists in its file under that exact name', () => {
  const missing: string[] = [];
  for (const row of rows) {
    for (const ref of row.tests) {
      if (!existsSync(join(ROOT, ref.file))) missing.push(`row ${row.number}: no file ${ref.file}`);
      else if (!hasTest(ref)) missing.push(`row ${row.number}: no test "${ref.name}" in ${ref.file}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every layer has cases: engine, runtime and Python, MCP, UI and browser storage', () => {
  for (const layer of LAYERS) {
    const count = rows.filter((r) => r.layer === layer).length;
    assert.ok(count >= 3, `${layer}: ${count} rows`);
  }
});

test('every example of the issue has a row', () => {
  const examples: Array<[string, RegExp]> = [
    ['malformed invoice JSON', /malformed invoice/i],
    ['missing fields', /missing field/i],
    ['unknown workflow IDs', /unknown workflow ID/i],
    ['signals to closed workflows', /signal to a closed workflow/i],
    ['an unregistered workflow', /unregistered workflow/i],
    ['an unregistered activity', /unregistered activity/i],
    ['code that raises', /code that raises/i],
    ['code that loops forever', /loops forever/i],
    ['code that changes and replays differently', /changes and replays differently/i],
    ['a 3 MB payload', /3 MB/],
    ['invalid JSON-RPC', /invalid JSON-RPC/i],
    ['a corrupted IndexedDB record', /corrupted IndexedDB record/i],
    ['a full quota', /full quota/i],
    ['a history import that is not a history', /history import that is not a history/i],
    ['script in a Markdown field', /script in .*Markdown/i],
    ['script in a JSON field', /script in an event attribute/i],
  ];
  for (const [example, pattern] of examples) {
    assert.ok(rows.some((r) => pattern.test(r.cells.case)), `no row for "${example}"`);
  }
});

test('every message the catalogue quotes is in the code or in the row\'s tests', () => {
  const sources = productSources();
  const unquoted: string[] = [];
  for (const row of rows) {
    const tests = row.tests.map((ref) => readFileSync(join(ROOT, ref.file), 'utf8')).join('\n');
    for (const span of codeSpans(row.cells.expected)) {
      // "…" stands for what varies: each piece around it must be there.
      for (const piece of span.split('…').map((p) => p.trim()).filter((p) => p.length >= 3)) {
        if (!quoted(piece, tests) && !quoted(piece, sources)) unquoted.push(`row ${row.number}: ${piece}`);
      }
    }
  }
  assert.deepEqual(unquoted, []);
});
