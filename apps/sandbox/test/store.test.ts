// The store's lookups by prepay_id and transaction_id: through an index kept by saveTrade, checked on every hit,
// so a changed id, a reset or a trade loaded from disk never answers wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../src/store';
import { tradeRecord } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of new Set(dirs.splice(0))) rmSync(dir, { recursive: true, force: true });
});

function openStore(dir = mkdtempSync(join(tmpdir(), 'xd-sandbox-store-'))): { store: Store; dir: string } {
  dirs.push(dir);
  return { store: new Store({ files: { state: join(dir, 'state.json'), journal: join(dir, 'journal.jsonl') } }), dir };
}


describe('trade lookups', () => {
  it('finds trades by prepay_id and transaction_id; a replaced prepay_id and a reset forget the old entries', () => {
    const { store } = openStore();
    store.saveTrade(tradeRecord('A1', { prepay_id: 'wxA-1' }));
    store.saveTrade(tradeRecord('B1', { prepay_id: 'wxB-1', transaction_id: '4200B' }));
    expect(store.tradeByPrepayId('wxA-1')?.out_trade_no).toBe('A1');
    expect(store.tradeByTransactionId('4200B')?.out_trade_no).toBe('B1');
    expect(store.tradeByTransactionId('4200A')).toBeUndefined();

    // A new prepay_id (the old one expired): only the new one finds the trade.
    const a = store.data.trades.A1!;
    a.prepay_id = 'wxA-2';
    store.saveTrade(a);
    expect(store.tradeByPrepayId('wxA-1')).toBeUndefined();
    expect(store.tradeByPrepayId('wxA-2')?.out_trade_no).toBe('A1');
    // Changed in place and not saved yet: still found (by a scan).
    a.transaction_id = '4200A';
    expect(store.tradeByTransactionId('4200A')?.out_trade_no).toBe('A1');

    store.reset();
    expect(store.tradeByPrepayId('wxA-2')).toBeUndefined();
    expect(store.tradeByTransactionId('4200B')).toBeUndefined();
    store.close();
  });

  it('finds the trades of a reopened data folder', () => {
    const { store, dir } = openStore();
    store.saveTrade(tradeRecord('C1', { prepay_id: 'wxC-1', transaction_id: '4200C' }));
    store.close();
    const { store: reopened } = openStore(dir);
    expect(reopened.tradeByPrepayId('wxC-1')?.out_trade_no).toBe('C1');
    expect(reopened.tradeByTransactionId('4200C')?.out_trade_no).toBe('C1');
    reopened.close();
  });
});
