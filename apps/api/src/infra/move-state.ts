// A status change as a compare-and-set whose filter comes from a transition table: the record moves to `to` only
// from a state the table allows (or a narrower set the caller names, each of them allowed). Used for orders,
// payment attempts and refunds, so every status write obeys the tables in @xiaodian/shared.
import { sourcesIn } from '@xiaodian/shared';
import type { Model, mongo, Types, UpdateQuery } from 'mongoose';
import { gatherWritesEach, outcomesByCount } from './gathered-writes';

export interface StateMove<S extends string> {
  /** Which record: its _id, or a unique filter (e.g. `{ outRefundNo }`). */
  match: Record<string, unknown>;
  to: S;
  from?: S | readonly S[];
  /** More conditions of the compare-and-set. */
  where?: Record<string, unknown>;
  set?: Record<string, unknown>;
  unset?: Record<string, 1>;
  inc?: Record<string, number>;
  push?: Record<string, unknown>;
  /** 'before' tells the caller which state it moved from; default 'after'. */
  returnDocument?: 'before' | 'after';
}

export class IllegalStateMove extends Error {}

/** The compare-and-set of a move: the filter and update both paths send. Throws IllegalStateMove for a move the table forbids. */
function stateMoveCommand<S extends string>(modelName: string, table: Readonly<Record<S, readonly S[]>>, move: StateMove<S>) {
  const wanted = move.from === undefined ? sourcesIn(table, move.to) : typeof move.from === 'string' ? [move.from as S] : [...(move.from as readonly S[])];
  const illegal = wanted.filter((from) => !table[from].includes(move.to));
  // A programming error, not a race: fail loudly instead of writing a transition the table forbids.
  if (illegal.length > 0 || wanted.length === 0) throw new IllegalStateMove(`${modelName} ${illegal.join('|') || '∅'} → ${move.to} is not allowed`);
  const update: UpdateQuery<unknown> = {
    $set: { ...move.set, status: move.to },
    ...(move.push ? { $push: move.push } : {}),
    ...(move.unset ? { $unset: move.unset } : {}),
    ...(move.inc ? { $inc: move.inc } : {}),
  };
  return { filter: { ...move.where, ...move.match, status: { $in: wanted } }, update, returnDocument: move.returnDocument ?? 'after' };
}

// The model's own document type is wider than the lean shape callers read (D); any mongoose model will do.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function moveState<S extends string, D>(model: Model<any>, table: Readonly<Record<S, readonly S[]>>, move: StateMove<S>): Promise<D | null> {
  const { filter, update, returnDocument } = stateMoveCommand(model.modelName, table, move);
  return model.findOneAndUpdate(filter, update, { returnDocument }).lean<D>();
}

/**
 * moveState through the model's driver collection, for moves whose match, conditions and values are all of their
 * stored types already (ObjectIds, dates, numbers, strings): mongoose would only cast what needs no casting. The
 * payment attempts' moves and the payment's move to PAID go this way.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function moveStateTyped<S extends string, D>(model: Model<any>, table: Readonly<Record<S, readonly S[]>>, move: StateMove<S>): Promise<D | null> {
  const { filter, update, returnDocument } = stateMoveCommand(model.modelName, table, move);
  return (await (model.collection as unknown as mongo.Collection).findOneAndUpdate(filter, update as mongo.UpdateFilter<mongo.Document>, { returnDocument })) as D | null;
}

/** A gathered move whose caller needs its own answer (moveStateGathered): the command and how to tell it took effect. */
interface AnsweredMove {
  id: Types.ObjectId;
  filter: mongo.Document;
  update: mongo.Document;
  tookEffect: (record: mongo.Document) => boolean;
}

/** One bulk queue per collection. */
const answeredMoves = new WeakMap<mongo.Collection, (op: AnsweredMove) => Promise<boolean>>();

/**
 * moveStateTyped for a move by _id whose caller needs only whether its compare-and-set held, not the record (the
 * prepay's record of its prepay_id: refused, the prepay_id must not be handed out). Concurrent ones go out as one
 * bulk write, each with its own compare-and-set (gathered-writes.ts); its counts answer when every guard held or
 * none did, so the common case is that one command and nothing more. A mixed batch (or a failed one, which may
 * have written some) reads its records once, and each caller's `tookEffect` says from its record as it is now
 * whether its move is there. It must answer false for a record that never took this move (a refused guard leaves
 * the record in a state the move's target cannot come back from, or without the move's own values); it may answer
 * false for one that took it and moved on since, which its caller then treats as refused. A failed read fails each
 * of the batch's callers.
 */
export async function moveStateGathered<S extends string, D>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: Model<any>,
  table: Readonly<Record<S, readonly S[]>>,
  move: Omit<StateMove<S>, 'match' | 'returnDocument'> & { match: { _id: Types.ObjectId } },
  tookEffect: (record: D) => boolean,
): Promise<boolean> {
  const { filter, update } = stateMoveCommand(model.modelName, table, move);
  const collection = model.collection as unknown as mongo.Collection;
  let queue = answeredMoves.get(collection);
  if (!queue) {
    queue = gatherWritesEach<AnsweredMove>(async (ops) => {
      const written = await collection
        .bulkWrite(
          ops.map((op) => ({ updateOne: { filter: op.filter, update: op.update as mongo.UpdateFilter<mongo.Document> } })),
          { ordered: false },
        )
        .catch(() => undefined);
      // Matched, not modified: a guard that held is the answer, and a repeat that sets the values already there
      // (the same prepay_id within the same millisecond) matches without modifying anything.
      const counted = outcomesByCount(written?.matchedCount, ops.length);
      if (counted) return counted;
      const now = await collection.find({ _id: { $in: ops.map((op) => op.id) } }).toArray();
      const byId = new Map(now.map((record) => [String(record._id), record]));
      return ops.map((op) => {
        const record = byId.get(String(op.id));
        return record !== undefined && op.tookEffect(record);
      });
    });
    answeredMoves.set(collection, queue);
  }
  return queue({ id: move.match._id, filter, update: update as mongo.Document, tookEffect: tookEffect as (record: mongo.Document) => boolean });
}
