#!/usr/bin/env node
// Sizes of what the site ships (not a test): the site as built from the
// working tree by buildSite() (bench/support.mjs) into build-bench/site/ (by
// run.mjs, or by this script when run alone; dist/ is left alone), every
// emitted file read from disk. Each file is counted raw and gzipped on its
// own (zlib gzipSync, level 9), as a server would send it, and summed per
// group:
//
//   - what a first visit loads: index.html, the entry chunk with its static
//     imports and CSS, the two worker scripts, engine.mjs + engine.wasm, and
//     what the Python worker loads when it starts with the page (Pyodide and
//     python/packages.json);
//   - what is loaded on demand: the labs page, the MCP page, the instructor
//     panel, mermaid for sequence diagrams (each with the chunks it imports
//     that the first visit has not loaded), other mermaid diagram types;
//   - CodeMirror's share of the labs page, estimated from the bundle's module
//     lengths (rendered, before minification) scaled to the minified chunk.
//
// Prints {"suite":"size","columns":[...],"figures":[...],"charts":[...]}.
//
//   node bench/size-bench.mjs      (needs `npm run build:wasm`)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSite, logger, report, root, siteChunks } from './support.mjs';

const log = logger('size-bench');
let outDir = process.env.DURABLE_BENCH_SITE;
if (!outDir) {
  const t0 = performance.now();
  outDir = await buildSite();
  log(`built the site into ${relative(root, outDir)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
// The bundle as Rolldown described it: which chunk imports which, and module lengths.
const chunks = new Map(Object.entries(siteChunks(outDir)));

// Every file emitted, raw and gzipped.
const files = new Map();
(function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else files.set(relative(outDir, full), { raw: statSync(full).size, gzip: gzipSync(readFileSync(full), { level: 9 }).length });
  }
})(outDir);

const sum = (names) => [...new Set(names)].reduce((acc, name) => {
  const f = files.get(name);
  if (!f) throw new Error(`${name} was not emitted`);
  return { raw: acc.raw + f.raw, gzip: acc.gzip + f.gzip };
}, { raw: 0, gzip: 0 });
const chunkBy = (facadeEnd) => {
  const hit = [...chunks.entries()].find(([, c]) => c.facade.endsWith(facadeEnd));
  if (!hit) throw new Error(`no chunk for ${facadeEnd}`);
  return hit[0];
};
/** A chunk with every chunk it imports statically, and their CSS. */
const closure = (...starts) => {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of chunks.get(name).imports) visit(dep);
  };
  starts.forEach(visit);
  return [...seen].flatMap((name) => [name, ...chunks.get(name).css]);
};
const only = (re) => [...files.keys()].filter((name) => re.test(name));
const except = (names, loaded) => names.filter((name) => !loaded.has(name));

const shell = ['index.html', ...closure(chunkBy('/index.html'))];
const workers = only(/^assets\/(server|python)-worker-[^/]+\.js$/);
const engineWasm = ['engine/engine.wasm'];
const engineGlue = ['engine/engine.mjs'];
const pyodide = only(/^pyodide\//);
const packages = ['python/packages.json'];
const firstVisit = [...shell, ...workers, ...engineGlue, ...engineWasm, ...pyodide, ...packages];
const loaded = new Set(firstVisit);

const lazy = {
  labs: except(closure(chunkBy('src/ui/labs/index.ts')), loaded),
  mcp: except(closure(chunkBy('src/ui/mcp/index.ts'), chunkBy('src/mcp/connection.ts')), loaded),
  instructor: except(closure(chunkBy('src/ui/instructor/panel.ts')), loaded),
  mermaid: except(closure(chunkBy('mermaid/dist/mermaid.core.mjs'), [...chunks.keys()].find((n) => /\/sequenceDiagram-/.test(n))), loaded),
};
const onDemand = new Set(Object.values(lazy).flat());
const otherChunks = only(/^assets\/.*\.(js|css)$/).filter((n) => !loaded.has(n) && !onDemand.has(n) && !/python-dev-/.test(n));

// CodeMirror's share of the labs page: its modules' rendered length over the chunk's, times the chunk's size.
const labsChunk = chunkBy('src/ui/labs/index.ts');
const isCodeMirror = (id) => /node_modules\/(@codemirror|codemirror|@lezer|style-mod|w3c-keyname|crelt|@marijn)\//.test(id);
const labsModules = chunks.get(labsChunk).modules;
const cmShare = labsModules.filter((m) => isCodeMirror(m.id)).reduce((a, m) => a + m.length, 0) / labsModules.reduce((a, m) => a + m.length, 0);
const labsFile = files.get(labsChunk);
const codemirror = { raw: labsFile.raw * cmShare, gzip: labsFile.gzip * cmShare };

const siteFiles = [...files.keys()].filter((n) => !n.startsWith('.vite/'));
const withoutPyodide = siteFiles.filter((n) => !n.startsWith('pyodide/'));
const labsJson = only(/^labs\/.*\.json$/);
const kB = ({ raw, gzip }) => [raw / 1000, gzip / 1000];
const count = (names) => `${new Set(names).size} file${new Set(names).size === 1 ? '' : 's'}`;

const rows = [
  ['engine.wasm', sum(engineWasm), 'the engine module (Emscripten, -O3, native Wasm exceptions); loaded by the server worker and again (cached) by the Python worker for its replay core', true],
  ['engine.mjs (Emscripten glue)', sum(engineGlue), 'the JS loader engine.wasm comes with', false],
  ['app shell: HTML, JS and CSS of the first visit', sum(shell), `index.html, the entry chunk, its static imports and CSS (${count(shell)})`, true],
  ['worker scripts (server worker, Python worker)', sum(workers), `${count(workers)}, each self-contained, started with the page`, false],
  ['Pyodide runtime', sum(pyodide), `dist/pyodide/ as shipped from the pyodide npm package (${pyodide.map((n) => n.slice(8)).join(', ')}), loaded by the Python worker`, true],
  ['Python packages (python/packages.json)', sum(packages), 'web/python (temporalio, mcp, durable_lab and the rest) as one JSON of {path: text}', false],
  ['first visit in total', sum(firstVisit), 'all of the above: what a first visit downloads before the worker is ready (labs/index.json aside)', true],
  ['labs page (on demand)', sum(lazy.labs), `loaded when a lab is opened: CodeMirror, markdown-it, DOMPurify and the page (${count(lazy.labs)})`, true],
  ['  of which CodeMirror (estimate)', codemirror, `@codemirror/*, @lezer/* and their helpers: ${(cmShare * 100).toFixed(0)}% of the labs chunk's rendered module length, applied to its size`, false],
  ['MCP page (on demand)', sum(lazy.mcp), `the MCP SDK client, JSON schema validator and the page (${count(lazy.mcp)})`, true],
  ['instructor panel (on demand)', sum(lazy.instructor), `the panel and the Markdown renderer it shares with the labs page (${count(lazy.instructor)})`, false],
  ['mermaid, sequence diagrams (on demand)', sum(lazy.mermaid), `mermaid's core and the sequence diagram with the chunks they import, loaded for the first diagram (${count(lazy.mermaid)})`, true],
  ['other mermaid diagram types (never loaded by the app)', sum(otherChunks), `chunks mermaid can load for other diagram types (${count(otherChunks)}); a lab README could use one`, false],
  ['lab content (labs/*.json)', sum(labsJson), `the catalogue and one JSON per lab (${count(labsJson)})`, false],
  ['whole site without Pyodide', sum(withoutPyodide), `every file of the build but pyodide/ (${count(withoutPyodide)}), including dev/python.html`, true],
  ['whole site', sum(siteFiles), `every file of the build (${count(siteFiles)})`, true],
];
for (const [name, size] of rows) log(`${name.padEnd(56)} ${(size.raw / 1000).toFixed(1).padStart(9)} kB  ${(size.gzip / 1000).toFixed(1).padStart(9)} kB gzip`);

report({
  suite: 'size',
  title: 'What the site ships',
  about: 'The site as built from the working tree (Vite build() into build-bench/site/), every emitted file read ' +
    'from disk and counted raw and gzipped on its own (zlib gzipSync, level 9), as a server would send it; ' +
    '1 kB = 1,000 bytes. Groups follow the bundle\'s chunk graph: a group lists the chunks it imports that the first visit has not loaded.',
  columns: ['raw (kB)', 'gzip -9 (kB)'],
  figures: rows.map(([name, size, about]) => ({ name, values: kB(size), unit: 'kB', how: about })),
  charts: [{
    file: 'sizes.svg', kind: 'bars', title: 'What the site ships, kB (1 kB = 1,000 bytes; gzip level 9 per file)',
    series: ['raw', 'gzip -9'], rows: rows.filter((r) => r[3]).map(([name, size]) => ({ label: name, values: kB(size) })),
  }],
});
