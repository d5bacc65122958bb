#!/usr/bin/env node
// Builds the engine. Usage: node scripts/build.mjs <native|asan|fuzz|wasm>...
//   native  Release build with the GoogleTest suites  -> build-native/
//   asan    the same under AddressSanitizer + UBSan    -> build-asan/
//   fuzz    the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) -> build-fuzz/
//   wasm    engine.mjs + engine.wasm (Emscripten)      -> build-wasm/, copied to web/public/engine/
// Configure runs every time (cheap, and it picks up new source files); builds
// are incremental and use two jobs. Exits non-zero on the first failure.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jobs = process.env.DURABLE_JOBS ?? '2';
// emcc runs its JS tools with the system node, which needs Debian's acorn.
const env = { ...process.env, NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':') };

function run(command, args) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args[0]} exited with ${result.status ?? result.signal}`);
}

const targets = {
  native() {
    run('cmake', ['-S', '.', '-B', 'build-native', '-DCMAKE_BUILD_TYPE=Release',
      '-DDURABLE_SANITIZE=OFF', '-DDURABLE_BUILD_TESTS=ON', '-DDURABLE_BUILD_BENCH=OFF']);
    run('cmake', ['--build', 'build-native', '-j', jobs]);
  },
  asan() {
    run('cmake', ['-S', '.', '-B', 'build-asan', '-DCMAKE_BUILD_TYPE=RelWithDebInfo',
      '-DDURABLE_SANITIZE=ON', '-DDURABLE_BUILD_TESTS=ON', '-DDURABLE_BUILD_BENCH=OFF']);
    run('cmake', ['--build', 'build-asan', '-j', jobs]);
  },
  fuzz() {
    // libFuzzer is clang's; the engine's libraries are built with it too, so
    // that the fuzzers see their coverage.
    run('cmake', ['-S', '.', '-B', 'build-fuzz', '-DCMAKE_BUILD_TYPE=RelWithDebInfo',
      '-DCMAKE_CXX_COMPILER=clang++', '-DDURABLE_FUZZ=ON', '-DDURABLE_BUILD_TESTS=OFF', '-DDURABLE_BUILD_BENCH=OFF']);
    run('cmake', ['--build', 'build-fuzz', '-j', jobs]);
  },
  wasm() {
    run('emcmake', ['cmake', '-S', '.', '-B', 'build-wasm', '-DCMAKE_BUILD_TYPE=Release']);
    run('cmake', ['--build', 'build-wasm', '--target', 'engine', '-j', jobs]);
    const out = join(root, 'web', 'public', 'engine');
    mkdirSync(out, { recursive: true });
    for (const file of ['engine.mjs', 'engine.wasm']) {
      copyFileSync(join(root, 'build-wasm', file), join(out, file));
    }
    console.log(`copied engine.mjs and engine.wasm to ${out}`);
  },
};

const wanted = process.argv.slice(2);
if (wanted.length === 0 || wanted.some((t) => !(t in targets))) {
  console.error(`usage: node scripts/build.mjs <${Object.keys(targets).join('|')}>...`);
  process.exit(2);
}
try {
  for (const target of wanted) targets[target]();
} catch (error) {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
}
