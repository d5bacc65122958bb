#!/usr/bin/env node
// Runs every libFuzzer target of tests/fuzz for a while, one after another,
// each from its seed corpus. Build them first: node scripts/build.mjs fuzz.
//
// Usage: node scripts/fuzz.mjs [--seconds N] [--only history_json,rpc,replay]
//   --seconds  how long each target fuzzes (default 20: the short run of npm test)
//
// A target fails when it finds a crash, a sanitizer report, a violated
// property, a hang (-timeout) or runaway memory (-rss_limit_mb); the input is
// written to tests/fuzz/crashes/<target>-crash-<sha1> (or -timeout-, -oom-).
// Reproduce it with build-fuzz/fuzz_<target> <that file>, fix the engine, and
// keep the input as a regression test and in tests/fuzz/corpus/<target>/.
// Inputs that found new coverage go to build-fuzz/fuzz-work/<target>/, emptied
// at every run, so a run never depends on the one before.
//
// Each target's own output goes to build-fuzz/fuzz-work/<target>.log (its tail
// is printed when it fails); the last line is "fuzz: N passed, N failed".
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fuzzDir = join(root, 'tests', 'fuzz');
const buildDir = join(root, 'build-fuzz');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const seconds = Number(option('--seconds', '20'));
if (!Number.isInteger(seconds) || seconds <= 0) {
  console.error('usage: node scripts/fuzz.mjs [--seconds N] [--only target,target]');
  process.exit(2);
}
// tests/fuzz/<target>_fuzzer.cc -> build-fuzz/fuzz_<target> (CMakeLists.txt, DURABLE_FUZZ).
const all = readdirSync(fuzzDir).filter((f) => f.endsWith('_fuzzer.cc')).map((f) => f.slice(0, -'_fuzzer.cc'.length)).sort();
const only = option('--only', null)?.split(',');
const unknown = (only ?? []).filter((t) => !all.includes(t));
if (unknown.length) {
  console.error(`unknown target(s) ${unknown.join(', ')}; targets: ${all.join(', ')}`);
  process.exit(2);
}
const targets = only ?? all;

const env = {
  ...process.env,
  // Leaks are bugs too; a UBSan report stops the run (the build also has
  // -fno-sanitize-recover) so libFuzzer saves the input.
  ASAN_OPTIONS: 'detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};

function fuzz(target) {
  const binary = join(buildDir, `fuzz_${target}`);
  if (!existsSync(binary)) return Promise.resolve({ ok: false, note: `${binary} is missing; run node scripts/build.mjs fuzz` });
  const work = join(buildDir, 'fuzz-work', target);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const crashes = join(fuzzDir, 'crashes');
  mkdirSync(crashes, { recursive: true });
  const args = [
    `-max_total_time=${seconds}`,
    '-timeout=20', // seconds for one input; normal ones take milliseconds even under ASan
    '-rss_limit_mb=2048',
    '-print_final_stats=1',
    `-artifact_prefix=${join(crashes, `${target}-`)}`,
  ];
  const dict = join(fuzzDir, `${target}.dict`);
  if (existsSync(dict)) args.push(`-dict=${dict}`);
  // New inputs go to the first directory; the seed corpus is only read.
  args.push(work, join(fuzzDir, 'corpus', target));

  const logPath = join(buildDir, 'fuzz-work', `${target}.log`);
  const log = createWriteStream(logPath);
  console.log(`$ ${binary} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(binary, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', (error) => resolve({ ok: false, note: error.message }));
    child.on('close', (code, signal) => {
      log.end(() => {
        const text = readFileSync(logPath, 'utf8');
        const runs = text.match(/^Done (\d+) runs in (\d+) second/m);
        const summary = runs ? `${runs[1]} inputs in ${runs[2]} s` : 'no run count';
        if (code === 0) {
          resolve({ ok: true, note: summary });
          return;
        }
        const lines = text.trimEnd().split('\n');
        console.log(lines.slice(-60).join('\n'));
        const artifact = text.match(/Test unit written to (\S+)/);
        resolve({ ok: false, note: `exit ${code ?? signal}${artifact ? `, input in ${artifact[1]}` : ''} (log: ${logPath})` });
      });
    });
  });
}

let passed = 0;
let failed = 0;
for (const target of targets) {
  const result = await fuzz(target);
  console.log(`fuzz_${target}: ${result.ok ? 'ok' : 'FAILED'}, ${result.note}`);
  if (result.ok) passed += 1;
  else failed += 1;
}
console.log(`fuzz: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
