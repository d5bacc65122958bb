#!/usr/bin/env node
// Regenerates bench/report.md and its plots (bench/*.svg) in one run:
//   1. builds and runs the native Google Benchmark suite (bench/engine_bench.cc),
//   2. runs the same work through engine.wasm under Node (bench/wasm-bench.ts),
//   3. builds the site from the working tree into build-bench/site/ (dist/ is
//      left alone) for the browser benches and the sizes,
//   4. runs every other bench/*-bench.mjs; each prints one JSON suite as its
//      last stdout line: {suite, title?, about?, environment?, columns?,
//      figures: [{name, value | values, unit, how}], charts?: [...]},
// so every figure is measured side by side on one machine in one run.
//
// Usage: npm run bench     (needs `npm run build:wasm` and the setup of npm test)
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { buildSite, root } from './support.mjs';

const benchDir = join(root, 'bench');
const began = performance.now();
const loadBefore = os.loadavg()[0];
// The order of the report's sections; a suite not listed comes last.
const ORDER = ['native', 'wasm', 'host', 'python', 'invoices', 'indexeddb', 'page', 'size'];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})${result.stderr ? `:\n${result.stderr}` : ''}`);
  }
  return result.stdout;
}

const firstLine = (command, args) => {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return `${command}: not found`;
  }
};

function nativeSuite() {
  run('cmake', ['-S', '.', '-B', 'build-bench', '-DCMAKE_BUILD_TYPE=Release', '-DDURABLE_BUILD_TESTS=OFF',
    '-DDURABLE_BUILD_BENCH=ON', '-DDURABLE_SANITIZE=OFF']);
  run('cmake', ['--build', 'build-bench', '--target', 'engine_bench', '-j', process.env.DURABLE_JOBS ?? '2']);
  const out = JSON.parse(run(join(root, 'build-bench', 'engine_bench'),
    ['--benchmark_format=json', '--benchmark_min_time=1']));
  const byName = Object.fromEntries(out.benchmarks.map((b) => [b.name.split('/')[0], b]));
  const events = (b) => b.items_per_second;
  return {
    suite: 'native',
    title: 'Engine, native',
    about: 'The engine as a C++ library (CMake Release, -O3), driven through its API by Google Benchmark with ' +
      '`--benchmark_min_time=1`; each call commits its batch to a MemoryStore before its reply is read, as a host does.',
    environment: firstLine('g++', ['--version']),
    figures: [
      { name: 'signal append', value: events(byName.BM_SignalAppend), unit: 'events/s',
        how: 'SignalWorkflowExecution on one open workflow, one event and one committed batch per call' },
      { name: 'workflow task round trip', value: events(byName.BM_WorkflowTaskRoundTrip), unit: 'events/s',
        how: 'sticky poll, complete with a 1 s timer, SkipToNextTimer: five events per round trip' },
      { name: `replay of a ${byName.BM_Replay.history_events}-event history`, value: events(byName.BM_Replay), unit: 'events/s',
        how: 'WorkerCore from a full history, scripted workflow code starting the next timer per activation' },
      { name: 'engine heap per idle workflow (10000 workflows on a 5-day timer)', value: byName.BM_IdleWorkflowMemory.engine_heap_bytes_per_workflow, unit: 'bytes',
        how: 'mallinfo2() growth with the store emptied, divided by the number of workflows' },
      { name: 'stored state per idle workflow', value: byName.BM_IdleWorkflowMemory.stored_bytes_per_workflow, unit: 'bytes',
        how: 'JSON size of the committed tables divided by the number of workflows' },
    ],
  };
}

function nodeSuite(args, source, env = {}) {
  // Progress (stderr) goes straight to the terminal; the suite is the last stdout line.
  const lines = run('node', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n');
  return { source, ...JSON.parse(lines[lines.length - 1]) };
}

const format = (value) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const svg = (width, height, title, body) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
  `<rect width="100%" height="100%" fill="white"/>` +
  `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>${body}</svg>\n`;
const COLORS = ['#3b6fb6', '#e08a2c'];

// Horizontal bars, one group per row, one bar per series (linear scale, values printed).
function barChart({ title, series, rows }) {
  const barHeight = 16, rowHeight = 10 + series.length * (barHeight + 2), left = 330, width = 900, barMax = width - left - 140;
  const max = Math.max(...rows.flatMap((r) => r.values));
  const body = rows.map((r, i) => {
    const y = 36 + i * rowHeight;
    const bars = r.values.map((value, s) => {
      const length = (value / max) * barMax, top = y + s * (barHeight + 2);
      return `<rect x="${left}" y="${top}" width="${Math.max(1, length).toFixed(1)}" height="${barHeight}" fill="${COLORS[s]}"/>` +
        `<text x="${left + length + 6}" y="${top + 12}" font-size="11">${escape(series[s])} ${format(value)}</text>`;
    });
    return `<text x="${left - 8}" y="${y + (series.length * (barHeight + 2)) / 2 + 4}" font-size="12" text-anchor="end">${escape(r.label)}</text>${bars.join('')}`;
  });
  return svg(width, 46 + rows.length * rowHeight, title, body.join(''));
}

// A histogram of `values` with the cumulative count drawn over it.
function histogram({ title, xLabel, yLabel, values }) {
  const width = 760, height = 340, left = 60, right = 60, top = 40, bottom = 50;
  const plotW = width - left - right, plotH = height - top - bottom;
  const max = Math.max(...values);
  const step = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60].find((s) => max / s <= 30) ?? max / 30;
  const bins = Array.from({ length: Math.floor(max / step) + 1 }, () => 0);
  for (const v of values) bins[Math.floor(v / step)] += 1;
  const peak = Math.max(...bins), barW = plotW / bins.length;
  const x = (v) => left + (v / (bins.length * step)) * plotW;
  const bars = bins.map((n, i) => `<rect x="${(left + i * barW + 1).toFixed(1)}" y="${(top + plotH - (n / peak) * plotH).toFixed(1)}" ` +
    `width="${(barW - 2).toFixed(1)}" height="${((n / peak) * plotH).toFixed(1)}" fill="${COLORS[0]}"/>`);
  const sorted = [...values].sort((a, b) => a - b);
  const cumulative = sorted.map((v, i) => `${x(v).toFixed(1)},${(top + plotH - ((i + 1) / sorted.length) * plotH).toFixed(1)}`);
  const tickEvery = Math.ceil(bins.length / 10);
  const xTicks = bins.map((_, i) => i).filter((i) => i % tickEvery === 0).concat(bins.length).map((i) =>
    `<text x="${x(i * step).toFixed(1)}" y="${top + plotH + 16}" font-size="11" text-anchor="middle">${format(i * step)}</text>`);
  const body = [
    ...bars,
    `<polyline points="${x(0)},${top + plotH} ${cumulative.join(' ')}" fill="none" stroke="${COLORS[1]}" stroke-width="2"/>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
    ...xTicks,
    `<text x="${left + plotW / 2}" y="${height - 10}" font-size="12" text-anchor="middle">${escape(xLabel)} (bins of ${format(step)})</text>`,
    `<text x="${left - 8}" y="${top + 4}" font-size="11" text-anchor="end">${peak}</text>`,
    `<text x="${left - 8}" y="${top + plotH}" font-size="11" text-anchor="end">0</text>`,
    `<text x="14" y="${top + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})">${escape(yLabel)} per bin</text>`,
    `<text x="${left + plotW + 6}" y="${top + 4}" font-size="11" fill="${COLORS[1]}">${sorted.length}</text>`,
    `<text x="${width - 12}" y="${top + plotH / 2}" font-size="12" fill="${COLORS[1]}" text-anchor="middle" transform="rotate(90 ${width - 12} ${top + plotH / 2})">cumulative</text>`,
  ];
  return svg(width, height, title, body.join(''));
}

const CHARTS = { bars: barChart, histogram };
const drawChart = (chart) => {
  writeFileSync(join(benchDir, chart.file), CHARTS[chart.kind](chart));
  return [`![${chart.title}](${chart.file})`, ''];
};

// 1-2. The engine, native and WASM.
const suites = [nativeSuite(), nodeSuite(['--import', 'tsx', 'bench/wasm-bench.ts'], 'bench/wasm-bench.ts')];
suites[0].source = 'bench/engine_bench.cc';
// 3. The site, built once for the browser benches and the sizes.
const site = await buildSite();
// 4. Every other bench.
for (const file of readdirSync(benchDir).filter((f) => f.endsWith('-bench.mjs')).sort()) {
  suites.push(nodeSuite([join('bench', file)], `bench/${file}`, { DURABLE_BENCH_SITE: site }));
}
const rank = (s) => (ORDER.includes(s.suite) ? ORDER.indexOf(s.suite) : ORDER.length);
suites.sort((a, b) => rank(a) - rank(b));

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
  `${os.type()} ${os.release()}, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
const minutes = ((performance.now() - began) / 60_000).toFixed(1);

const native = suites.find((s) => s.suite === 'native');
const wasm = suites.find((s) => s.suite === 'wasm');
const pairs = native.figures
  .filter((f) => f.unit === 'events/s')
  .map((f) => ({ name: f.name, native: f.value, wasm: wasm.figures.find((w) => w.name === f.name)?.value }))
  .filter((p) => p.wasm !== undefined);

const lines = [
  '# Durable Lab benchmark report',
  '',
  'Regenerated by `npm run bench` (bench/run.mjs); do not edit by hand. Every figure below comes from one run',
  'on one machine, so the ratios compare like with like. This workplace shares its machines (two cores, with',
  'other jobs running), so absolute figures move between runs; the ratios are steadier. Each section names the',
  'script that measured it, what ran it, and how; each row says how that figure was taken.',
  '',
  `- Machine: ${machine}`,
  `- Date: ${date} (the whole run took ${minutes} minutes; 1-minute load average ${loadBefore.toFixed(1)} at its start, ` +
    `${os.loadavg()[0].toFixed(1)} at its end, on ${os.cpus().length} cores)`,
  `- Engine: engine.wasm built by \`npm run build:wasm\` (emcc ${firstLine('emcc', ['--version']).match(/\d+\.\d+\.\d+/)?.[0] ?? 'not found'}, CMake Release);`,
  `  the site built from the same working tree into build-bench/site/ by this run`,
  '',
  '## Native beside WebAssembly',
  '',
  'The same RPC sequences and history sizes through the C++ API (Google Benchmark, `bench/engine_bench.cc`) and',
  'through engine.wasm under Node (`bench/wasm-bench.ts`). Each call commits its batch to an in-memory store',
  'before its reply is read, as a host does.',
  '',
  ...drawChart({
    file: 'throughput.svg', kind: 'bars', title: 'Engine throughput, events per second (longer is faster)',
    series: ['native', 'wasm'], rows: pairs.map((p) => ({ label: p.name, values: [p.native, p.wasm] })),
  }),
  '| figure | native | wasm | native / wasm |',
  '| --- | ---: | ---: | ---: |',
  ...pairs.map((p) => `| ${p.name} (events/s) | ${format(p.native)} | ${format(p.wasm)} | ${(p.native / p.wasm).toFixed(1)}x |`),
  '',
];
for (const suite of suites) {
  const columns = suite.columns ?? ['value'];
  lines.push(`## ${suite.title ?? `${suite.suite} figures`}`, '');
  if (suite.about) lines.push(suite.about, '');
  lines.push(`Measured by \`${suite.source}\` on the machine above, ${date}${suite.environment ? `; ${suite.environment}` : ''}.`, '');
  for (const chart of suite.charts ?? []) lines.push(...drawChart(chart));
  lines.push(`| figure | ${columns.join(' | ')} | unit | how it was measured |`, `| --- | ${columns.map(() => '---:').join(' | ')} | --- | --- |`);
  for (const f of suite.figures) {
    lines.push(`| ${f.name} | ${(f.values ?? [f.value]).map(format).join(' | ')} | ${f.unit} | ${f.how} |`);
  }
  lines.push('');
}
writeFileSync(join(benchDir, 'report.md'), lines.join('\n'));
console.log(lines.join('\n'));
console.error(`[bench] report written in ${minutes} minutes; site in ${relative(root, site)}`);
