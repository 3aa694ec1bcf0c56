// uni-h5's own DOM, for the few things the app does through uni APIs rather than its pages.
import type { Locator, Page } from 'playwright-core';

/** The toast of `uni.showToast` (visible about 1.5 s; its text is the title, with or without an icon). */
export function toast(page: Page): Locator {
  return page.locator('uni-toast');
}

/** The confirm button of `uni.showModal` (uni-h5 draws its own modal). */
export async function confirmModal(page: Page): Promise<void> {
  const button = page.locator('.uni-modal .uni-modal__btn_primary');
  await button.waitFor();
  await button.click();
  await button.waitFor({ state: 'hidden' });
}
