// One test stack: the API world (embedded MongoDB + WeChat sandbox + a real API instance, from the API's test
// harness), the H5 build behind the app's preview server, and a headless Chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startWorld, type World, type WorldOptions } from '@xiaodian/api/testing';
import { launchChromium } from './browser';
import { ensureH5Build } from './h5-build';
import { screenshotDir } from './paths';
import { startPreview, type Preview } from './preview';

/** A phone: iPhone 12-ish viewport at 1× so the kept screenshots stay small. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 1,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

export interface NewPageOptions {
  /**
   * The sandbox test user the shop logs in as (the H5 build's `?user=` hook, added to the page's first
   * `open`). Default: the H5 build's default user, alice. Each page gets its own browser context, so its
   * storage (session, cart, address) starts empty.
   */
  user?: string;
}

export interface Stack {
  world: World;
  /** The preview server's origin: the H5 pages, `/api` and `/__sandbox` all live here. */
  h5Url: string;
  browser: Browser;
  /** A page in a fresh phone-sized browser context. */
  newPage(options?: NewPageOptions): Promise<Page>;
  /** Navigates to an H5 path (`/`, `/pages/cart/index`, `/pages/admin/login` …) on the preview server. */
  open(page: Page, path: string): Promise<void>;
  /** Saves `e2e/screenshots/<name>.png` once the fonts are in; returns its path. */
  screenshot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<string>;
  /** Uncaught exceptions and console errors the page produced so far. */
  errors(page: Page): string[];
  stop(): Promise<void>;
}

export async function startStack(options: WorldOptions = {}): Promise<Stack> {
  const dir = ensureH5Build();
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const world = await startWorld(options);
    cleanups.push(() => world.stop());
    const preview: Preview = await startPreview({ dir, apiUrl: world.api.url, sandboxUrl: world.sandbox.url });
    cleanups.push(() => preview.stop());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());

    const firstUser = new WeakMap<Page, string>();
    const problems = new WeakMap<Page, string[]>();
    mkdirSync(screenshotDir, { recursive: true });

    return {
      world,
      h5Url: preview.url,
      browser,
      async newPage(pageOptions = {}) {
        const context = await browser.newContext(PHONE);
        const page = await context.newPage();
        const seen: string[] = [];
        problems.set(page, seen);
        page.on('pageerror', (err) => seen.push(`pageerror: ${err.message}`));
        page.on('console', (msg) => {
          if (msg.type() === 'error') seen.push(`console.error: ${msg.text()}`);
        });
        if (pageOptions.user) firstUser.set(page, pageOptions.user);
        return page;
      },
      async open(page, path) {
        const url = new URL(path, preview.url);
        const user = firstUser.get(page);
        if (user) {
          url.searchParams.set('user', user);
          firstUser.delete(page);
        }
        await page.goto(url.toString());
      },
      async screenshot(page, name, shotOptions = {}) {
        const path = join(screenshotDir, `${name}.png`);
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        await page.screenshot({ path, type: 'png', animations: 'disabled', caret: 'hide', fullPage: shotOptions.fullPage ?? false });
        return path;
      },
      errors(page) {
        return [...(problems.get(page) ?? [])];
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
