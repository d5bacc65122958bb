// The built site (dist/) in Debian's Chromium: the page starts engine.wasm in
// a module Web Worker and shows its version, and no request leaves the origin.
// Needs `npm run build` first (the test runner's build-site step).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
let server: PreviewServer;
let browser: Browser;
let origin: string;

before(async () => {
  assert.ok(existsSync(`${root}/dist/index.html`), 'dist/ is missing: run `npm run build` first');
  server = await preview({ configFile: `${root}/vite.config.ts`, preview: { port: 0, strictPort: false, open: false }, logLevel: 'error' });
  origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page starts engine.wasm in a Web Worker and shows its version; nothing leaves the origin', async () => {
  const page = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('response', (response) => { if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`); });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  const wasm = page.waitForResponse((response) => response.url().endsWith('/engine/engine.wasm'));
  await page.goto(`${origin}/`);
  assert.equal(await page.title(), 'Durable Lab');
  const status = page.locator('#status');
  await status.filter({ hasText: /ready|failed/ }).waitFor({ timeout: 30_000 });
  assert.match(await status.textContent() ?? '', /^engine \d+\.\d+\.\d+\S* ready$/);
  const wasmResponse = await wasm;
  assert.equal(wasmResponse.headers()['content-type'], 'application/wasm');
  assert.deepEqual(errors, []);
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`));
  assert.deepEqual(foreign, [], 'requests outside the origin');
  assert.ok(requests.some((url) => url.includes('/assets/server-worker')), 'the engine runs in a worker');
  await page.close();
});
