// One access token for every instance: fetched once however many instances and processes need it at once,
// refreshed once ahead of its end, fetched again once when WeChat refuses it, never logged. The API reaches the
// sandbox's open API through a wire tap that counts the calls WeChat really received.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../src/context';
import { callWithAccessToken } from '../src/modules/wechat/access-token';
import { startWorld, type World } from './harness';
import { startOpenApiTap, type OpenApiTap } from './open-api-tap';

let tap: OpenApiTap;
let world: World;
let a: Services;
let b: Services;

beforeAll(async () => {
  tap = await startOpenApiTap(() => world.sandbox.url);
  world = await startWorld({ env: { WECHAT_API_BASE: tap.url } });
  a = world.api.instance.services;
  b = (await world.startAnotherInstance()).instance.services;
});
afterAll(async () => {
  await world?.stop();
  await tap?.close();
});
beforeEach(() => tap.reset());

const STABLE_TOKEN = '/cgi-bin/stable_token';
const MANAGED = '/wxa/sec/order/is_trade_managed';

/** `n` uses of the token at once, alternating between the instances given. */
async function useConcurrently(n: number, instances: Services[]): Promise<boolean[]> {
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      callWithAccessToken<{ is_trade_managed: boolean }>(instances[i % instances.length]!, MANAGED, { appid: world.sandbox.identity.appid }),
    ),
  );
  return answers.map((x) => x.is_trade_managed);
}

const stored = async () => (await a.models.WechatToken.findById(world.sandbox.identity.appid).lean())!;

describe('the shared access token', () => {
  it('is fetched once for 50 concurrent uses across two API instances', async () => {
    tap.slow(STABLE_TOKEN, 200);
    const answers = await useConcurrently(50, [a, b]);
    expect(answers).toEqual(Array(50).fill(true));
    expect(tap.count(STABLE_TOKEN)).toBe(1);
    expect(tap.count(MANAGED)).toBe(50);
    expect((await stored()).fetches).toBe(1);
  });

  it('is shared with a real second process: one fetch between them, and never logged', async () => {
    await a.models.WechatToken.deleteMany({});
    // A slow WeChat: whoever fetches is still waiting for it when the other process starts.
    tap.slow(STABLE_TOKEN, 500);
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: join(import.meta.dirname, '..'),
      env: {
        ...process.env,
        ...world.sandbox.apiEnv,
        WECHAT_API_BASE: tap.url,
        NODE_ENV: 'test',
        CHILD_DB: JSON.stringify({ host: world.db.host, port: world.db.port, name: world.db.name }),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!out.includes('READY')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.stdin.write('GO\n');
    while (!out.includes('GOING')) await new Promise((r) => setTimeout(r, 5));
    const mine = await useConcurrently(25, [a]);
    expect(await exited).toBe(0);
    const theirs = JSON.parse(/RESULT (.*)/.exec(out)![1]!) as boolean[];
    expect([...mine, ...theirs]).toEqual(Array(50).fill(true));
    expect(tap.count(STABLE_TOKEN)).toBe(1);
    expect(tap.count(MANAGED)).toBe(50);
    // The child logged at debug level, including its WeChat calls; the token appears nowhere.
    const token = (await stored()).token;
    expect(out).toContain('wechat open api call');
    expect(out).not.toContain(token);
    expect(err).not.toContain(token);
  });

  it('is refreshed once ahead of its end, while the old one keeps working', async () => {
    const old = await stored();
    // Five minutes before the end, on both sides: our record and WeChat's clock.
    const left = 4 * 60_000;
    await a.models.WechatToken.updateOne({ _id: old._id }, { $set: { expiresAt: new Date(Date.now() + left), refreshAfter: new Date(Date.now() - 1) } });
    await world.sandbox.control.advanceClock(7200_000 - left);
    const answers = await useConcurrently(50, [a, b]);
    expect(answers).toEqual(Array(50).fill(true));
    expect(tap.count(STABLE_TOKEN)).toBe(1);
    const fresh = await stored();
    expect(fresh.token).not.toBe(old.token);
    expect(fresh.expiresAt.getTime()).toBeGreaterThan(Date.now() + 7000_000);
  });

  it('is fetched again once when WeChat says it expired (42001) or is invalid (40001), and the calls are retried', async () => {
    await world.sandbox.control.advanceClock(7300_000);
    expect(await useConcurrently(50, [a, b])).toEqual(Array(50).fill(true));
    expect(tap.count(STABLE_TOKEN)).toBe(1);
    expect(tap.count(MANAGED)).toBeGreaterThan(50);

    // WeChat forgets every token (as after a force refresh elsewhere): 40001.
    tap.reset();
    await world.sandbox.control.reset();
    expect(await useConcurrently(50, [a, b])).toEqual(Array(50).fill(true));
    expect(tap.count(STABLE_TOKEN)).toBe(1);
  });
});

/** The second process: the API's own services on the same database, 25 uses of the token when told to go. */
const CHILD = `
import mongoose from 'mongoose';
import { createInterface } from 'node:readline';
const { loadConfig } = await import('./src/config');
const { createLogger } = await import('./src/logger');
const { buildServices } = await import('./src/services');
const { callWithAccessToken } = await import('./src/modules/wechat/access-token');
const where = JSON.parse(process.env.CHILD_DB);
const db = mongoose.createConnection('mongodb://' + where.host + ':' + where.port + '/' + where.name, { serverMonitoringMode: 'poll' });
await db.asPromise();
const config = loadConfig(process.env);
const s = buildServices(config, createLogger('debug'), db);
process.stdout.write('READY\\n');
const rl = createInterface({ input: process.stdin });
for await (const line of rl) if (line === 'GO') break;
process.stdout.write('GOING\\n');
const answers = await Promise.all(Array.from({ length: 25 }, () => callWithAccessToken(s, '/wxa/sec/order/is_trade_managed', { appid: config.wechat.appid })));
process.stdout.write('RESULT ' + JSON.stringify(answers.map((x) => x.is_trade_managed)) + '\\n');
await db.close();
process.exit(0);
`;
