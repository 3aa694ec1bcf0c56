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

/**
 * Answers the subscribe dialog the H5 shim shows for `wx.requestSubscribeMessage` at checkout (when the shop has
 * message templates): 允许 grants the messages at the sandbox, 拒绝 does not; either way the order goes on.
 * Resolves false when no dialog came within `timeoutMs` (a shop without templates).
 */
export async function answerSubscribe(page: Page, allow = false, timeoutMs = 5000): Promise<boolean> {
  const modal = page.locator('.uni-modal', { hasText: '订阅消息' });
  try {
    await modal.waitFor({ timeout: timeoutMs });
  } catch {
    return false;
  }
  await modal.locator(allow ? '.uni-modal__btn_primary' : '.uni-modal__btn_default').click();
  await modal.waitFor({ state: 'hidden' });
  return true;
}
