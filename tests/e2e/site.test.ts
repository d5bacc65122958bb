// The built site (dist/) in Debian's Chromium: the page starts engine.wasm in
// a module Web Worker and shows its version, and no request leaves the origin.
// Needs `npm run build` first (the test runner's build-site step).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBuiltSite } from './support/chromium.ts';

const site = useBuiltSite();

test('the page starts engine.wasm in a Web Worker and shows its version; nothing leaves the origin', async () => {
  const page = await site.browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('response', (response) => { if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`); });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  const wasm = page.waitForResponse((response) => response.url().endsWith('/engine/engine.wasm'));
  await page.goto(`${site.origin}/`);
  assert.equal(await page.title(), 'Durable Lab');
  const status = page.locator('#status');
  await status.filter({ hasText: /ready|failed/ }).waitFor({ timeout: 30_000 });
  assert.match(await status.textContent() ?? '', /^engine \d+\.\d+\.\d+\S* ready$/);
  const wasmResponse = await wasm;
  assert.equal(wasmResponse.headers()['content-type'], 'application/wasm');
  assert.deepEqual(errors, []);
  const foreign = requests.filter((url) => !url.startsWith(`${site.origin}/`));
  assert.deepEqual(foreign, [], 'requests outside the origin');
  assert.ok(requests.some((url) => url.includes('/assets/server-worker')), 'the engine runs in a worker');
  await page.close();
});
