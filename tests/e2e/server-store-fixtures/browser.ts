// Chromium (playwright-core, Debian's /usr/bin/chromium) on a Vite dev server
// of the repository's site, so a blank same-origin page can import the
// TypeScript modules under web/src and start the real server worker.
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { launchChromium, root } from '../support/chromium.ts';

/** The page-side helpers (server-page.ts), as the dev server serves them. */
export const PAGE_HELPERS = `/@fs${fileURLToPath(new URL('./server-page.ts', import.meta.url))}`;
export const BLANK = '/__durable_test__/blank.html';

export interface Harness {
  server: ViteDevServer;
  browser: Browser;
  origin: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const server = await createServer({
    configFile: `${root}/vite.config.ts`,
    logLevel: 'error',
    server: { port: 0, strictPort: false, hmr: false, host: 'localhost' },
    optimizeDeps: { noDiscovery: true, include: [] },
    plugins: [{
      name: 'durable-test-blank-page',
      configureServer(dev) {
        dev.middlewares.use(BLANK, (_req, res) => {
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end('<!doctype html><html><head><meta charset="utf-8"><title>store test</title></head><body></body></html>');
        });
      },
    }],
  });
  await server.listen();
  const origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  const browser = await launchChromium();
  return {
    server, browser, origin,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** A blank page of the site with the helpers loaded as window.h; page errors are collected. */
export async function openPage(harness: Harness, context: BrowserContext): Promise<Page & { errors: string[] }> {
  const page = (await context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.goto(`${harness.origin}${BLANK}`);
  await page.evaluate(async (url) => { (window as any).h = await import(url); }, PAGE_HELPERS);
  return page;
}
