#!/usr/bin/env node
// Regenerates bench/report.md (and bench/throughput.svg) in one run:
//   1. builds and runs the native Google Benchmark suite (bench/engine_bench.cc),
//   2. runs the same work through engine.wasm under Node (bench/wasm-bench.ts),
//   3. runs any other bench/*-bench.mjs that prints {"suite","figures":[...]},
// so native and WASM figures are measured side by side on one machine.
//
// Usage: npm run bench     (needs `npm run build:wasm` and the setup of npm test)
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  }
  return result.stdout;
}

function nativeFigures() {
  run('cmake', ['-S', '.', '-B', 'build-bench', '-DCMAKE_BUILD_TYPE=Release', '-DDURABLE_BUILD_TESTS=OFF',
    '-DDURABLE_BUILD_BENCH=ON', '-DDURABLE_SANITIZE=OFF']);
  run('cmake', ['--build', 'build-bench', '--target', 'engine_bench', '-j', process.env.DURABLE_JOBS ?? '2']);
  const out = JSON.parse(run(join(root, 'build-bench', 'engine_bench'),
    ['--benchmark_format=json', '--benchmark_min_time=1']));
  const byName = Object.fromEntries(out.benchmarks.map((b) => [b.name.split('/')[0], b]));
  const events = (b) => b.items_per_second;
  return {
    suite: 'native',
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

function nodeSuite(args) {
  const lines = run('node', args).trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const format = (value) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });

// A horizontal bar chart of the throughput figures, native beside WASM.
function throughputSvg(pairs) {
  const rowHeight = 46, left = 250, width = 760, barMax = width - left - 110;
  const max = Math.max(...pairs.flatMap((p) => [p.native, p.wasm]));
  const rows = pairs.map((p, i) => {
    const y = 40 + i * rowHeight;
    const bar = (value, dy, color, label) =>
      `<rect x="${left}" y="${y + dy}" width="${((value / max) * barMax).toFixed(1)}" height="16" fill="${color}"/>` +
      `<text x="${left + (value / max) * barMax + 6}" y="${y + dy + 12}" font-size="11">${label} ${format(value)}</text>`;
    return `<text x="${left - 8}" y="${y + 20}" font-size="12" text-anchor="end">${p.name}</text>` +
      bar(p.native, 0, '#3b6fb6', 'native') + bar(p.wasm, 18, '#e08a2c', 'wasm');
  });
  const height = 50 + pairs.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="10" y="20" font-size="14" font-weight="bold">Engine throughput, events per second (longer is faster)</text>` +
    rows.join('') + '</svg>\n';
}

const suites = [nativeFigures(), nodeSuite(['--import', 'tsx', 'bench/wasm-bench.ts'])];
for (const file of readdirSync(benchDir).filter((f) => f.endsWith('-bench.mjs')).sort()) {
  suites.push(nodeSuite([join('bench', file)]));
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
  `${os.type()} ${os.release()}, Node ${process.version}, ${execFileSync('g++', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`;
const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

const native = suites.find((s) => s.suite === 'native');
const wasm = suites.find((s) => s.suite === 'wasm');
const pairs = native.figures
  .filter((f) => f.unit === 'events/s')
  .map((f) => ({ name: f.name, native: f.value, wasm: wasm.figures.find((w) => w.name === f.name)?.value }))
  .filter((p) => p.wasm !== undefined);
writeFileSync(join(benchDir, 'throughput.svg'), throughputSvg(pairs));

const lines = [
  '# Durable Lab benchmark report',
  '',
  'Regenerated by `npm run bench` (bench/run.mjs); do not edit by hand. Every figure below comes from one run',
  'on one machine, so the ratios compare like with like. This workplace shares its machines, so absolute figures',
  'move between runs; the ratios are steadier.',
  '',
  `- Machine: ${machine}`,
  `- Date: ${date}`,
  '',
  '## Native beside WebAssembly',
  '',
  'The same RPC sequences and history sizes through the C++ API (Google Benchmark, `bench/engine_bench.cc`) and',
  'through engine.wasm under Node (`bench/wasm-bench.ts`). Each call commits its batch to an in-memory store',
  'before its reply is read, as a host does.',
  '',
  '![throughput](throughput.svg)',
  '',
  '| figure | native | wasm | native / wasm |',
  '| --- | ---: | ---: | ---: |',
  ...pairs.map((p) => `| ${p.name} (events/s) | ${format(p.native)} | ${format(p.wasm)} | ${(p.native / p.wasm).toFixed(1)}x |`),
  '',
];
for (const suite of suites) {
  lines.push(`## ${suite.suite} figures`, '', '| figure | value | unit | how it was measured |', '| --- | ---: | --- | --- |');
  for (const f of suite.figures) lines.push(`| ${f.name} | ${format(f.value)} | ${f.unit} | ${f.how} |`);
  lines.push('');
}
writeFileSync(join(benchDir, 'report.md'), lines.join('\n'));
console.log(lines.join('\n'));
