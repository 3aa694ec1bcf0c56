// Persistence: a restarted sandbox still knows its trades, refunds, bills and notifications (a restarted
// `pnpm dev` stack stays consistent: the API's `?sync=1`, refund job and reconciliation ask about them later),
// after a clean stop and after kill -9, with a journal line cut short by the crash; and state.json, O(all trades),
// is not rewritten per payment. Every test uses its own temporary data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createControlClient, type Sandbox } from '../src/index';
import { Store, type TradeRecord } from '../src/store';
import { merchantServer, pluginClient, prepayBody, publicKeyMap, sandboxInTempDir, tradeRecord, type Merchant, type PayClient } from './helpers';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xd-sandbox-persist-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const beijingToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

/** A paid trade with a settled refund (R1, 234 fen) and one still processing (R2, 100 fen). */
async function payAndRefund(sandbox: Sandbox, client: PayClient, notify?: { url: string; delivered: () => Promise<unknown> }) {
  const body = await prepayBody(sandbox, notify ? { notify_url: notify.url } : {});
  const { data } = await client.v3.pay.transactions.jsapi.post(body);
  const paid = await sandbox.control.pay(data.prepay_id, 'SUCCESS', { notify: notify !== undefined });
  await notify?.delivered();
  const refund = (no: string, fen: number) =>
    client.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: no, amount: { refund: fen, total: 1234, currency: 'CNY' } });
  await refund(`R1${body.out_trade_no}`, 234);
  await sandbox.control.settleRefund(`R1${body.out_trade_no}`, 'SUCCESS');
  await refund(`R2${body.out_trade_no}`, 100);
  return { outTradeNo: body.out_trade_no, transactionId: paid.transaction_id!, settled: `R1${body.out_trade_no}`, processing: `R2${body.out_trade_no}` };
}

/** What WeChat's query endpoints and today's trade bill say about the trade of payAndRefund. */
async function expectRemembered(sandbox: Sandbox, trade: Awaited<ReturnType<typeof payAndRefund>>) {
  const client = pluginClient(sandbox);
  const mchid = sandbox.identity.mchid;
  const { data: byOutTradeNo } = await client.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid }, out_trade_no: trade.outTradeNo });
  expect(byOutTradeNo).toMatchObject({ trade_state: 'REFUND', transaction_id: trade.transactionId, amount: { total: 1234 } });
  const { data: byId } = await client.v3.pay.transactions.id.$transaction_id$.get({ params: { mchid }, transaction_id: trade.transactionId });
  expect(byId).toMatchObject({ out_trade_no: trade.outTradeNo });
  expect((await client.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: trade.settled })).data).toMatchObject({ status: 'SUCCESS', amount: { refund: 234 } });
  expect((await client.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: trade.processing })).data).toMatchObject({ status: 'PROCESSING', amount: { refund: 100 } });

  const { data: bill } = await client.v3.bill.tradebill.get({ params: { bill_date: beijingToday(), bill_type: 'ALL' } });
  const file = await client.v3.billdownload.file.get({ params: Object.fromEntries(new URL(bill.download_url as string).searchParams), responseType: 'arraybuffer' });
  const rows = Buffer.from(file.data as ArrayBuffer).toString('utf8').split('\r\n');
  expect(rows.filter((row) => row.includes(`\`${trade.transactionId}`) && row.includes('`SUCCESS,`') && row.includes('`12.34,'))).toHaveLength(1);
  expect(rows.filter((row) => row.includes(`\`${trade.settled}`) && row.includes('`2.34,'))).toHaveLength(1);
  expect(rows.some((row) => row.includes(trade.processing))).toBe(false); // a processing refund is not in the bill yet
}

describe('restarts', () => {
  it('keeps trades, refunds and the trade bill across a stop and a start on the same folder', async () => {
    const dir = tempDir();
    const first = await sandboxInTempDir({ dataDir: dir });
    const trade = await payAndRefund(first, pluginClient(first));
    await first.close();

    const second = await sandboxInTempDir({ dataDir: dir });
    cleanups.push(() => second.close());
    await expectRemembered(second, trade);
    // And it goes on from there: the processing refund settles, the rest of the money is still refundable.
    await second.control.settleRefund(trade.processing, 'SUCCESS');
    const { data } = await pluginClient(second).v3.refund.domestic.refunds.post({ out_trade_no: trade.outTradeNo, out_refund_no: 'R3', amount: { refund: 900, total: 1234, currency: 'CNY' } });
    expect(data.status).toBe('PROCESSING');
    expect((await second.control.refunds()).map((r) => r.out_refund_no).sort()).toEqual(['R3', trade.settled, trade.processing].sort());
  });

  it('forgets what a control reset forgot, after a restart too', async () => {
    const dir = tempDir();
    const first = await sandboxInTempDir({ dataDir: dir });
    await payAndRefund(first, pluginClient(first));
    await first.control.reset();
    await first.close();
    const second = await sandboxInTempDir({ dataDir: dir });
    cleanups.push(() => second.close());
    expect(await second.control.trades()).toEqual([]);
    expect(await second.control.refunds()).toEqual([]);
  });

  it('moves an unreadable state.json aside instead of overwriting it, and starts', async () => {
    const dir = tempDir();
    const first = await sandboxInTempDir({ dataDir: dir });
    await first.close();
    writeFileSync(join(dir, 'state.json'), '{"version":1,"trades":{"T1":');
    const lines: string[] = [];
    const second = await sandboxInTempDir({ dataDir: dir, quiet: false, log: (line) => lines.push(line) });
    cleanups.push(() => second.close());
    expect(await second.control.trades()).toEqual([]);
    const aside = readdirSync(dir).filter((name) => name.startsWith('state.json.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('{"version":1,"trades":{"T1":');
    expect(lines.join('\n')).toMatch(/state\.json is unreadable/);
  });
});

describe('a crash', () => {
  async function spawnSandbox(dir: string): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crashable-sandbox.ts', dir], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (!/^http:\/\/\S+\n/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the sandbox did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { child, url: output.split('\n')[0]! };
  }

  it('loses nothing to kill -9: trades, refunds, the bill and undelivered notifications come back; a torn last journal line is skipped', async () => {
    const dir = tempDir();
    // Identities first, so the test's own client can sign for the child.
    const setup = await sandboxInTempDir({ dataDir: dir });
    await setup.close();
    const merchant: Merchant = await merchantServer(() => publicKeyMap(setup), setup.identity.apiV3Key);
    cleanups.push(() => merchant.close());
    merchant.answer = () => 500; // the payment notification stays undelivered, retrying

    const { child, url } = await spawnSandbox(dir);
    const remote: Sandbox = { ...setup, url, control: createControlClient(url) };
    const trade = await payAndRefund(remote, pluginClient(remote), { url: `${merchant.url}/notify`, delivered: () => merchant.waitFor(2) });
    // At once, well within what a snapshot timer would leave unwritten.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // The snapshot never ran (it waits a minute in the child): the journal alone holds all of it.
    expect(existsSync(join(dir, 'state.json')) ? readFileSync(join(dir, 'state.json'), 'utf8') : '').not.toContain(trade.outTradeNo);
    const journal = join(dir, 'journal.jsonl');
    expect(readFileSync(journal, 'utf8')).toContain(trade.outTradeNo);
    // kill -9 in the middle of a write: the last line is cut short.
    appendFileSync(journal, `{"n":${Number.MAX_SAFE_INTEGER},"kind":"trade","value":{"out_trade_no":"TORN_LINE","amount":{"to`);

    merchant.answer = (n) => (n.verified ? 204 : 401);
    const lines: string[] = [];
    const restarted = await sandboxInTempDir({ dataDir: dir, timeScale: 0.01, quiet: false, log: (line) => lines.push(line) });
    cleanups.push(() => restarted.close());
    expect(lines.join('\n')).toMatch(/journal\.jsonl: skipped 1 unreadable line/);
    await expectRemembered(restarted, trade);
    expect((await restarted.control.trades()).map((t) => t.out_trade_no)).toEqual([trade.outTradeNo]);
    // The payment notification's retries resume, its failed attempts kept.
    const notification = await restarted.control.waitForNotification({ outTradeNo: trade.outTradeNo, eventType: 'TRANSACTION.SUCCESS' }, (n) => n.status === 'delivered');
    expect(notification.attempts.length).toBeGreaterThanOrEqual(3);
    expect(notification.attempts.slice(0, -1).every((a) => a.status === 500)).toBe(true);
    expect(notification.attempts.at(-1)!.status).toBe(204);

    // The journal was folded into a snapshot at start, so nothing is appended after the torn line.
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toContain(trade.outTradeNo);
    expect(readFileSync(journal, 'utf8')).not.toContain('TORN_LINE');
    await restarted.control.settleRefund(trade.processing, 'SUCCESS');
    await restarted.close();
    const again = await sandboxInTempDir({ dataDir: dir });
    cleanups.push(() => again.close());
    expect((await again.control.refunds()).find((r) => r.out_refund_no === trade.processing)?.status).toBe('SUCCESS');
  });
});

describe('the journal and the snapshot', () => {
  const readState = (dir: string) => (existsSync(join(dir, 'state.json')) ? readFileSync(join(dir, 'state.json'), 'utf8') : '');

  it('journals payments without rewriting state.json; a clean close folds everything into state.json; a restart has it all', async () => {
    const dir = tempDir();
    // A snapshot timer of 10 ms: if a prepay still scheduled a snapshot, the wait below would see it written.
    const first = await sandboxInTempDir({ dataDir: dir, snapshotIntervalMs: 10 });
    const client = pluginClient(first);
    const outTradeNos: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = await prepayBody(first);
      await client.v3.pay.transactions.jsapi.post(body);
      outTradeNos.push(body.out_trade_no);
    }
    const paid = await first.control.pay((await first.control.trade(outTradeNos[0]!)).prepay_id!, 'SUCCESS', { notify: false });
    await new Promise((r) => setTimeout(r, 100));
    const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8');
    for (const no of outTradeNos) {
      expect(readState(dir)).not.toContain(no);
      expect(journal).toContain(no);
    }

    await first.close();
    const state = JSON.parse(readState(dir)) as { trades: Record<string, TradeRecord> };
    expect(Object.keys(state.trades).sort()).toEqual([...outTradeNos].sort());
    expect(state.trades[outTradeNos[0]!]).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transaction_id });
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).toBe('');

    const second = await sandboxInTempDir({ dataDir: dir });
    cleanups.push(() => second.close());
    expect((await second.control.trades()).map((t) => t.out_trade_no).sort()).toEqual([...outTradeNos].sort());
    const { data } = await pluginClient(second).v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: second.identity.mchid }, out_trade_no: outTradeNos[0] });
    expect(data).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transaction_id });
  });



  it('folds the journal into a snapshot once it has grown as large as the snapshot, and reopens from both', async () => {
    const dir = tempDir();
    const files = { state: join(dir, 'state.json'), journal: join(dir, 'journal.jsonl') };
    const line = JSON.stringify({ n: 10, kind: 'trade', value: tradeRecord('T10') }).length + 1;
    // Ten journal lines stay below the threshold: no snapshot; the eleventh crosses it.
    const store = new Store({ files, debounceMs: 5, compactMinBytes: Math.round(line * 10.5) });
    cleanups.push(() => store.close());
    for (let i = 0; i < 10; i++) store.saveTrade(tradeRecord(`T${i}`));
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(files.state)).toBe(false);
    for (let i = 10; i < 12; i++) store.saveTrade(tradeRecord(`T${i}`));
    await new Promise((r) => setTimeout(r, 50));
    expect(Object.keys((JSON.parse(readState(dir)) as { trades: object }).trades)).toHaveLength(12);
    expect(readFileSync(files.journal, 'utf8')).toBe('');

    // More changes: in the journal only, until the next snapshot. A reopen (as after kill -9) reads both.
    store.saveTrade({ ...tradeRecord('T0'), trade_state: 'CLOSED' });
    store.saveTrade(tradeRecord('T12'));
    const reopened = new Store({ files });
    expect(Object.keys(reopened.data.trades)).toHaveLength(13);
    expect(reopened.data.trades.T0!.trade_state).toBe('CLOSED');
    reopened.close();
  });

  it('opens a data folder written by earlier versions: a state.json with its journalSeq and a journal after it', () => {
    const dir = tempDir();
    const files = { state: join(dir, 'state.json'), journal: join(dir, 'journal.jsonl') };
    // What the sandbox has always written: version 1, trades by out_trade_no, journal lines numbered after journalSeq.
    writeFileSync(files.state, JSON.stringify({ version: 1, trades: { OLD1: tradeRecord('OLD1') }, refunds: {}, notifications: [], seq: 0, journalSeq: 7 }));
    writeFileSync(
      files.journal,
      [
        { n: 7, kind: 'trade', value: { ...tradeRecord('OLD1'), trade_state: 'CLOSED' } }, // in the snapshot already: skipped
        { n: 8, kind: 'trade', value: tradeRecord('OLD2') },
      ]
        .map((entry) => JSON.stringify(entry))
        .join('\n') + '\n',
    );
    const store = new Store({ files });
    cleanups.push(() => store.close());
    expect(Object.keys(store.data.trades).sort()).toEqual(['OLD1', 'OLD2']);
    expect(store.data.trades.OLD1!.trade_state).toBe('NOTPAY');
    expect(store.data.settings).toMatchObject({ auto_settle_refunds_ms: 0, trade_managed: true });
  });
});
