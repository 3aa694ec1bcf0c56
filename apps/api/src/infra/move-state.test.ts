// moveStateGathered against a real database: concurrent moves share one bulk write, each caller learns whether its
// own compare-and-set held, and only a batch whose counts cannot tell that costs a read.
import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mongooseConnectOptions, startEmbeddedMongo } from '@xiaodian/devdb';
import { IllegalStateMove, moveStateGathered } from './move-state';

/** A payment attempt's table, in small: CREATED → PREPAID (again and again) → PAID | CLOSED. */
type Status = 'CREATED' | 'PREPAID' | 'PAID' | 'CLOSED';
const TABLE: Record<Status, readonly Status[]> = { CREATED: ['PREPAID', 'PAID', 'CLOSED'], PREPAID: ['PREPAID', 'PAID', 'CLOSED'], PAID: [], CLOSED: ['PAID'] };
interface Stored {
  _id: Types.ObjectId;
  status: Status;
  prepayId?: string;
  prepayExpiresAt?: Date;
}

let db: Connection;
let Records: Model<Stored>;
let stop: () => Promise<void>;
/** The commands the driver sent to the records, by name (the driver's command monitoring). */
let commands: string[] = [];

beforeAll(async () => {
  const external = process.env.MONGODB_URI;
  const mongo = external ? { uri: external, kind: 'external' as const, stop: async () => undefined } : await startEmbeddedMongo();
  db = mongoose.createConnection(mongo.uri, { ...mongooseConnectOptions(mongo.kind), dbName: `xd_move_${Date.now()}`, monitorCommands: true });
  await db.asPromise();
  Records = db.model<Stored>('Record', new Schema({ status: String, prepayId: String, prepayExpiresAt: Date }));
  // Its collection first: mongoose creates it in the background, and that command is none of these tests' business.
  await Records.init();
  db.getClient().on('commandStarted', (event) => {
    if ((event.command as Record<string, unknown>)[event.commandName] === Records.collection.collectionName) commands.push(event.commandName);
  });
  stop = async () => {
    await db.close();
    await mongo.stop();
  };
});
afterAll(() => stop());
beforeEach(() => {
  commands = [];
});

async function recordIn(status: Status, prepayId?: string): Promise<Types.ObjectId> {
  const _id = new Types.ObjectId();
  await Records.collection.insertOne({ _id, status, ...(prepayId ? { prepayId } : {}) });
  commands = [];
  return _id;
}

/** The shape of the prepay's record of its prepay_id (the payments' use of it). */
const recordPrepay = (id: Types.ObjectId, prepayId: string, at = new Date()) =>
  moveStateGathered<Status, Stored>(
    Records,
    TABLE,
    { match: { _id: id }, from: ['CREATED', 'PREPAID'], to: 'PREPAID', set: { prepayId, prepayExpiresAt: at } },
    (now) => now.status === 'PREPAID' && now.prepayId === prepayId,
  );

describe('moveStateGathered', () => {
  it('moves asked in one turn go out as one bulk write, and when every guard holds that is the only command', async () => {
    const ids = [await recordIn('CREATED'), await recordIn('CREATED'), await recordIn('PREPAID', 'wx1')];
    expect(await Promise.all(ids.map((id, i) => recordPrepay(id, `wx${i + 1}`)))).toEqual([true, true, true]);
    expect(commands).toEqual(['update']);
    expect((await Records.find({ _id: { $in: ids } }).lean()).map((a) => [a.status, a.prepayId])).toEqual([
      ['PREPAID', 'wx1'],
      ['PREPAID', 'wx2'],
      ['PREPAID', 'wx3'],
    ]);
  });

  it('when no guard holds, every caller is refused, from the counts alone, and nothing changes', async () => {
    const ids = [await recordIn('CLOSED'), await recordIn('PAID')];
    expect(await Promise.all(ids.map((id) => recordPrepay(id, 'late')))).toEqual([false, false]);
    expect(commands).toEqual(['update']);
    expect((await Records.find({ _id: { $in: ids } }).lean()).map((a) => [a.status, a.prepayId])).toEqual([
      ['CLOSED', undefined],
      ['PAID', undefined],
    ]);
  });

  it('a mixed batch reads its records once and answers each caller for its own move', async () => {
    const ids = [await recordIn('CREATED'), await recordIn('CLOSED'), await recordIn('CREATED'), await recordIn('PAID')];
    expect(await Promise.all(ids.map((id, i) => recordPrepay(id, `mixed${i}`)))).toEqual([true, false, true, false]);
    expect(commands).toEqual(['update', 'find']);
  });

  it('a repeat that sets the values already there holds (matched, though nothing is modified)', async () => {
    const id = await recordIn('CREATED');
    const at = new Date();
    expect(await recordPrepay(id, 'same', at)).toBe(true);
    commands = [];
    expect(await recordPrepay(id, 'same', at)).toBe(true);
    expect(commands).toEqual(['update']);
  });

  it('two callers moving the same record in one batch both hold when both guards do', async () => {
    const id = await recordIn('CREATED');
    const closed = await recordIn('CLOSED');
    const at = new Date();
    expect(await Promise.all([recordPrepay(id, 'twice', at), recordPrepay(id, 'twice', at), recordPrepay(closed, 'no')])).toEqual([true, true, false]);
    expect(commands).toEqual(['update', 'find']);
  });

  it('refuses a move the table forbids before touching the database', async () => {
    const id = await recordIn('PAID');
    await expect(moveStateGathered<Status, Stored>(Records, TABLE, { match: { _id: id }, from: 'PAID', to: 'PREPAID' }, () => true)).rejects.toBeInstanceOf(IllegalStateMove);
    expect(commands).toEqual([]);
  });
});
