// uni-h5's own DOM, for the few things the app does through uni APIs rather than its pages.
import type { Locator, Page } from 'playwright-core';

/** The toast of `uni.showToast` (visible about 1.5 s; its text is the title, with or without an icon). */
export function toast(page: Page): Locator {
  return page.locator('uni-toast');
}
