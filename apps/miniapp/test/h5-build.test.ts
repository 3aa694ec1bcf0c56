// The H5 build: the development twin of the mini program, plus the store admin console, which only it has.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniBuild } from './uni-build';

let outDir = '';
let code = '';

beforeAll(() => {
  outDir = uniBuild('h5');
  const assets = join(outDir, 'assets');
  code = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
});

describe('H5 build', () => {
  it('has an index.html that loads the app', () => {
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toMatch(/<script type="module"[^>]+src="\/assets\/index-[^"]+\.js"/);
  });

  it('contains the admin login page, calling the admin API', () => {
    expect(code).toContain('pages/admin/login');
    expect(code).toContain('/api/admin/login');
  });

  it("uses the sandbox for login codes and the cashier, and not the mini program's wx.requestPayment path", () => {
    expect(code).toContain('/__sandbox/login-code');
    expect(code).toContain('/__sandbox/cashier');
    expect(code).not.toContain('"wxpay"');
  });

  it("carries the tab bar's icons, which the tab bar of the shop's pages shows", () => {
    for (const name of ['home', 'home-active', 'cart', 'cart-active', 'orders', 'orders-active']) {
      expect(existsSync(join(outDir, `static/tabbar/${name}.png`))).toBe(true);
      expect(code).toContain(`static/tabbar/${name}.png`);
    }
  });

  it('calls the API on its own origin by default (the dev server and the preview proxy /api)', () => {
    expect(code).not.toContain('127.0.0.1:3000');
  });
});
