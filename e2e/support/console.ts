// The store admin console in a browser test: laptop-sized contexts whose pages record their errors, signed in
// or not. (The console's tests all need the same set-up; it lives here once.)
import type { BrowserContext, Page } from 'playwright-core';
import type { Stack } from './stack';

/** The console is used on a laptop. */
export const LAPTOP = { viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

const recorded = new WeakMap<Page, string[]>();

/** A page in a fresh laptop-sized context (empty storage), recording uncaught exceptions and console errors. Not signed in. */
export async function newConsolePage(stack: Stack, viewport: { width: number; height: number } = LAPTOP.viewport): Promise<Page> {
  const context = await stack.browser.newContext({ ...LAPTOP, viewport });
  const page = await context.newPage();
  const seen: string[] = [];
  recorded.set(page, seen);
  page.on('pageerror', (err) => seen.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') seen.push(`console.error: ${msg.text()}`);
  });
  return page;
}

/** The errors a console page recorded, except the browser's own line for an HTTP 4xx the page handled (and showed). */
export function consoleErrors(page: Page): string[] {
  return (recorded.get(page) ?? []).filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** `consoleErrors` of the page. */
  errors(): string[];
}

/** A fresh laptop context signed in to the console as `username` (default: the owner), on the dashboard. */
export async function openConsole(
  stack: Stack,
  options: { username?: string; password?: string; viewport?: { width: number; height: number } } = {},
): Promise<ConsolePage> {
  const page = await newConsolePage(stack, options.viewport);
  await stack.open(page, '/pages/admin/login');
  await page.locator('#xd-admin-username input').fill(options.username ?? 'owner');
  await page.locator('#xd-admin-password input').fill(options.password ?? 'owner-password');
  await page.click('#xd-admin-submit');
  await page.locator('.xd-page-admin-dashboard').waitFor();
  return { page, context: page.context(), errors: () => consoleErrors(page) };
}
