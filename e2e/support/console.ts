// The store admin console in a browser test: a laptop-sized context that records page errors, signed in.
import type { BrowserContext, Page } from 'playwright-core';
import type { Stack } from './stack';

/** The console is used on a laptop. */
export const LAPTOP = { viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions and console errors, except the browser's own line for a 4xx the page handled. */
  errors(): string[];
}

/** A fresh laptop context (empty storage), signed in to the console as `username` (default: the owner). */
export async function openConsole(
  stack: Stack,
  options: { username?: string; password?: string; viewport?: { width: number; height: number } } = {},
): Promise<ConsolePage> {
  const context = await stack.browser.newContext({ ...LAPTOP, viewport: options.viewport ?? LAPTOP.viewport });
  const page = await context.newPage();
  const seen: string[] = [];
  page.on('pageerror', (err) => seen.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') seen.push(`console.error: ${msg.text()}`);
  });
  await stack.open(page, '/pages/admin/login');
  await page.locator('#xd-admin-username input').fill(options.username ?? 'owner');
  await page.locator('#xd-admin-password input').fill(options.password ?? 'owner-password');
  await page.click('#xd-admin-submit');
  await page.locator('.xd-page-admin-dashboard').waitFor();
  return {
    page,
    context,
    errors: () => seen.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e)),
  };
}
