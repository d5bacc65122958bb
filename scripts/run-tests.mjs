#!/usr/bin/env node
// Runs every build and test suite one after another, streams their output,
// and ends with exactly one line: "N passed, N failed" summed over all suites.
// Exits non-zero if any test failed or any step or suite could not run.
//
// A step (a build, the type check) adds one failure when it fails and nothing
// when it succeeds; a suite whose step failed is not run and counts as one
// failure. A suite that finds no tests at all also counts as a failure.
//
// Usage: node scripts/run-tests.mjs [--only name,name]   (names as listed below)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUITE_TIMEOUT_MS = Number(process.env.DURABLE_SUITE_TIMEOUT_MS ?? 45 * 60 * 1000);

const testFiles = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir)).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `${dir}/${f}`)
    : [];

const nodeTest = (dir) => ['node', ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', ...testFiles(dir)]];

// The Python process tests load Pyodide; JSPI (stack switching) lets a
// script's asyncio.run block as it does in Chromium. Node 20 has it behind a flag.
const pythonNodeTest = (...files) => ['node', ['--experimental-wasm-stack-switching', '--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', ...files]];

const sanitizerEnv = {
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};

// kind: step | ctest | node | unittest | summary
const plan = [
  { name: 'build-native', kind: 'step', command: ['node', ['scripts/build.mjs', 'native']] },
  { name: 'engine-native', kind: 'ctest', needs: 'build-native',
    command: ['ctest', ['--test-dir', 'build-native', '--output-on-failure', '-j', '2', '--timeout', '300']] },
  { name: 'build-wasm', kind: 'step', command: ['node', ['scripts/build.mjs', 'wasm']] },
  { name: 'typecheck', kind: 'step', command: ['node', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']] },
  { name: 'runtime', kind: 'node', needs: 'build-wasm', command: nodeTest('tests/runtime') },
  { name: 'compat', kind: 'node', needs: 'build-wasm', command: nodeTest('tests/compat') },
  { name: 'python-unit', kind: 'unittest', command: ['python3', ['-m', 'unittest', 'discover', '-s', 'tests/runtime/python']] },
  { name: 'python-pyodide', kind: 'summary', command: ['node', ['tests/runtime/python/pyodide_check.mjs']] },
  { name: 'python-engine', kind: 'node', needs: 'build-wasm',
    command: pythonNodeTest('tests/runtime/python/engine_e2e.test.mjs', 'tests/runtime/python/process.test.ts', 'tests/runtime/python/mcp.test.ts') },
  // Every lab's check against its solution, starter and the chapter's code (fresh Pyodide per check).
  { name: 'labs', kind: 'node', needs: 'build-wasm', command: pythonNodeTest(...testFiles('tests/labs')) },
  { name: 'build-site', kind: 'step', needs: 'build-wasm', command: ['node', ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']] },
  { name: 'e2e', kind: 'node', needs: 'build-site', command: nodeTest('tests/e2e') },
  // Crash injection under load: the browser (Vite dev server, no build) and kill -9 of a Node server.
  { name: 'faults', kind: 'node', needs: 'build-wasm', command: pythonNodeTest(...testFiles('tests/faults')) },
  { name: 'build-asan', kind: 'step', command: ['node', ['scripts/build.mjs', 'asan']] },
  { name: 'engine-asan', kind: 'ctest', needs: 'build-asan', env: sanitizerEnv,
    command: ['ctest', ['--test-dir', 'build-asan', '--output-on-failure', '-j', '2', '--timeout', '600']] },
  // The short fuzz run: each libFuzzer target for 20 s (npm run fuzz -- --seconds N for a long one).
  { name: 'build-fuzz', kind: 'step', command: ['node', ['scripts/build.mjs', 'fuzz']] },
  { name: 'fuzz', kind: 'summary', needs: 'build-fuzz', command: ['node', ['scripts/fuzz.mjs', '--seconds', '20']] },
];

const last = (text, re) => {
  let m, found = null;
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  while ((m = g.exec(text))) found = m;
  return found;
};

// Each parser returns {passed, failed} or null when the output has no counts.
const parsers = {
  ctest(out) {
    const m = last(out, /(\d+)% tests passed, (\d+) tests? failed out of (\d+)/);
    if (!m) return null;
    const failed = Number(m[2]);
    return { passed: Number(m[3]) - failed, failed };
  },
  node(out) {
    const pass = last(out, /^# pass (\d+)$/m);
    const fail = last(out, /^# fail (\d+)$/m);
    if (!pass || !fail) return null;
    const cancelled = last(out, /^# cancelled (\d+)$/m);
    return { passed: Number(pass[1]), failed: Number(fail[1]) + (cancelled ? Number(cancelled[1]) : 0) };
  },
  // Python's unittest: "Ran N tests" then "OK" or "FAILED (failures=F, errors=E, skipped=S)".
  unittest(out) {
    const ran = last(out, /^Ran (\d+) tests? in /m);
    if (!ran) return null;
    const total = Number(ran[1]);
    const verdict = last(out, /^(OK|FAILED)\b(.*)$/m);
    if (!verdict) return null;
    const num = (key) => Number((verdict[2].match(new RegExp(`${key}=(\\d+)`)) ?? [0, 0])[1]);
    const skipped = num('skipped');
    const failed = verdict[1] === 'OK' ? 0 : num('failures') + num('errors') + num('unexpected successes');
    return { passed: total - failed - skipped, failed };
  },
  // A script's own last line "NAME: N passed, F failed".
  summary(out) {
    const m = last(out, /^[\w-]+: (\d+) passed, (\d+) failed$/m);
    return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
  },
};

function runCommand([command, args], extraEnv) {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = '';
    let child;
    try {
      child = spawn(command, args, {
        cwd: root,
        env: { ...process.env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // own process group, so a timeout can stop all of it
      });
    } catch (error) {
      resolve({ code: -1, output: String(error), seconds: 0 });
      return;
    }
    const timer = setTimeout(() => {
      output += `\n[run-tests] timed out after ${SUITE_TIMEOUT_MS / 1000}s\n`;
      console.error(`[run-tests] ${command} timed out; stopping it`);
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
    }, SUITE_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
    child.stderr.on('data', (chunk) => { output += chunk; process.stderr.write(chunk); });
    child.on('error', (error) => { output += `\n${error.message}\n`; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), signal, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const only = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? new Set(process.argv[i + 1].split(',')) : null;
})();

const results = [];
const status = new Map(); // step name -> ok
for (const item of plan) {
  if (only && !only.has(item.name)) continue;
  const banner = `==== ${item.kind === 'step' ? 'step' : 'suite'} ${item.name}`;
  if (item.needs && status.has(item.needs) && !status.get(item.needs)) {
    console.log(`${banner}: not run, because ${item.needs} failed`);
    if (item.kind === 'step') status.set(item.name, false);
    results.push({ item, passed: 0, failed: 1, note: `not run: ${item.needs} failed` });
    continue;
  }
  console.log(`${banner}: ${[item.command[0], ...item.command[1]].join(' ')}`);
  const run = await runCommand(item.command, item.env);
  if (item.kind === 'step') {
    const ok = run.code === 0;
    status.set(item.name, ok);
    results.push({ item, passed: 0, failed: ok ? 0 : 1, note: ok ? 'ok' : `FAILED (exit ${run.code})`, seconds: run.seconds });
    continue;
  }
  const counts = parsers[item.kind](run.output);
  if (!counts) {
    results.push({ item, passed: 0, failed: 1, note: `no test counts in output (exit ${run.code})`, seconds: run.seconds });
  } else if (counts.passed + counts.failed === 0) {
    results.push({ item, passed: 0, failed: 1, note: 'no tests found', seconds: run.seconds });
  } else if (run.code !== 0 && counts.failed === 0) {
    results.push({ item, ...counts, failed: 1, note: `exited ${run.code} with no failed test reported`, seconds: run.seconds });
  } else {
    results.push({ item, ...counts, note: run.code === 0 ? 'ok' : 'FAILED', seconds: run.seconds });
  }
}

console.log('\n==== summary');
let passed = 0;
let failed = 0;
for (const r of results) {
  passed += r.passed;
  failed += r.failed;
  const time = r.seconds === undefined ? '' : ` (${r.seconds.toFixed(1)}s)`;
  const counts = r.item.kind === 'step' && r.failed === 0 ? '' : ` ${r.passed} passed, ${r.failed} failed;`;
  console.log(`${r.item.kind === 'step' ? 'step ' : 'suite'} ${r.item.name.padEnd(14)}${counts} ${r.note}${time}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || results.length === 0 ? 1 : 0;
