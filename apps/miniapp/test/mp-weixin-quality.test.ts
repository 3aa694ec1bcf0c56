// WeChat's own code-quality check (DevTools' 代码质量 panel) on the mp-weixin build: miniprogram-ci's
// checkCodeQuality runs offline; it reads project.config.json, app.json and the files, and needs an appid and a
// private key only to build its Project, so both are throwaway ones.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRoot, uniBuild } from './uni-build';
import { inspectMpWeixin, MAIN_PACKAGE_BUDGET } from '../scripts/build-output.mjs';

const require = createRequire(join(appRoot, 'package.json'));

interface QualityItem {
  name: string;
  success: boolean;
  text: string;
  detail?: unknown;
}
interface MiniprogramCi {
  Project: new (options: { appid: string; type: 'miniProgram'; projectPath: string; privateKeyPath: string; ignores?: string[] }) => unknown;
  checkCodeQuality(project: unknown): Promise<QualityItem[]>;
}

let outDir: string;

beforeAll(() => {
  outDir = uniBuild('mp-weixin', 'mp-weixin-quality');
  // The app's package.json says "type": "module"; the build output is CommonJS, as WeChat runs it.
  writeFileSync(join(appRoot, 'dist/test/package.json'), '{ "type": "commonjs" }\n');
}, 240_000);

describe("WeChat's code-quality check", () => {
  it('passes every item of checkCodeQuality on the mp-weixin build', async () => {
    const ci = require('miniprogram-ci') as MiniprogramCi;
    const keyDir = mkdtempSync(join(tmpdir(), 'xd-mpci-'));
    const privateKeyPath = join(keyDir, 'private.key');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const project = new ci.Project({ appid: 'wx0000000000000000', type: 'miniProgram', projectPath: outDir, privateKeyPath });
    const report = await ci.checkCodeQuality(project);
    console.log(
      `checkCodeQuality:\n${report.map((item) => `  ${item.success ? 'ok  ' : 'FAIL'} ${item.name}: ${item.text}${item.detail ? ` ${JSON.stringify(item.detail)}` : ''}`).join('\n')}`,
    );
    // The items WeChat checks today; a new one in a newer miniprogram-ci shows up here and must pass too.
    expect(report.map((item) => item.name)).toEqual(
      expect.arrayContaining(['JS_COMPRESS_OPEN', 'WXML_COMPRESS_OPEN', 'WXSS_COMPRESS_OPEN', 'LAZYCODE_LOADING_OPEN', 'CONTAINS_OTHER_PKG_JS']),
    );
    expect(report.filter((item) => !item.success)).toEqual([]);
    expect(inspectMpWeixin(outDir).mainBytes).toBeLessThan(MAIN_PACKAGE_BUDGET);
  }, 120_000);
});
