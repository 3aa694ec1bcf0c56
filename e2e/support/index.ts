// The browser-test toolkit: import from here in any e2e/*.test.ts (see e2e/README.md).
export { startStack, PHONE, type NewPageOptions, type Stack } from './stack';
export { createCategory, createProducts, type ProductInput } from './catalog';
export { ensureH5Build } from './h5-build';
export { launchChromium, CHROMIUM_PATH } from './browser';
export { startPreview, type Preview } from './preview';
export { h5BuildDir, screenshotDir } from './paths';
export { answerSubscribe, confirmModal, toast } from './uni';
export { consoleErrors, LAPTOP, newConsolePage, openConsole, type ConsolePage } from './console';
export { runJob } from './jobs';
export { drawPicture, uploadPicture, uploadPictures, type Picture } from './pictures';
export { ADDRESS, adminToken, call, eventually, shopperToken, type World } from '@xiaodian/api/testing';
