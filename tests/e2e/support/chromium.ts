// Shared by the browser tests and benchmarks: Debian's Chromium as this
// machine runs it (no sandbox as root; no background networking, whose
// connections this machine's closed network refuses), and the built site
// (dist/) served by vite preview on a free port.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface BuiltSite {
  /** e.g. http://localhost:4173, without a trailing slash */
  origin: string;
  browser: Browser;
}

/**
 * Registers before/after hooks that serve dist/ and launch Chromium; the
 * returned object is filled in once the hooks have run. `page` is the file
 * the suite needs (built by `npm run build`, the runner's build-site step).
 */
export function useBuiltSite(page = 'index.html'): BuiltSite {
  const site = {} as BuiltSite;
  let server: PreviewServer | undefined;
  before(async () => {
    assert.ok(existsSync(`${root}/dist/${page}`), 'dist/ is missing: run `npm run build` first');
    server = await preview({ configFile: `${root}/vite.config.ts`, preview: { port: 0, strictPort: false, open: false }, logLevel: 'error' });
    site.origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
    site.browser = await launchChromium();
  });
  after(async () => {
    await site.browser?.close();
    await server?.close();
  });
  return site;
}

export interface OpenedLab {
  context: BrowserContext;
  page: Page;
  /** Fails the test on page errors and requests that left the origin, then closes the context. */
  finish(): Promise<void>;
}

/** A fresh lab at `hash` (its own context, so its own storage; 1280 x 900 unless `options` say otherwise), once the engine is ready. */
export async function openLab(site: BuiltSite, hash: string, options: BrowserContextOptions = {}): Promise<OpenedLab> {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${site.origin}/${hash}`);
  await page.locator('#status').filter({ hasText: /^engine \S+ ready$/ }).waitFor({ timeout: 60_000 });
  return {
    context, page,
    async finish() {
      assert.deepEqual(errors, []);
      assert.deepEqual(requests.filter((url) => !url.startsWith(`${site.origin}/`)), [], 'requests outside the origin');
      await context.close();
    },
  };
}
