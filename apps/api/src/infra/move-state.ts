// A status change as a compare-and-set whose filter comes from a transition table: the record moves to `to` only
// from a state the table allows (or a narrower set the caller names, each of them allowed). Used for orders,
// payment attempts and refunds, so every status write obeys the tables in @xiaodian/shared.
import { sourcesIn } from '@xiaodian/shared';
import type { Model, mongo, UpdateQuery } from 'mongoose';
import { gatherWrites } from './gathered-writes';

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

/** One bulk queue per collection for the moves whose callers need no answer (moveStateUnanswered). */
const unansweredMoves = new WeakMap<mongo.Collection, (op: { filter: mongo.Document; update: mongo.Document }) => Promise<void>>();

/**
 * moveStateTyped for a move whose caller needs no answer — it neither reads the record back nor asks whether this
 * call moved it (the prepay's record of its prepay_id) — so concurrent ones go out as one bulk write, each with its
 * own compare-and-set (gathered-writes.ts). A failed batch fails each of its callers.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function moveStateUnanswered<S extends string>(model: Model<any>, table: Readonly<Record<S, readonly S[]>>, move: StateMove<S>): Promise<void> {
  const { filter, update } = stateMoveCommand(model.modelName, table, move);
  const collection = model.collection as unknown as mongo.Collection;
  let queue = unansweredMoves.get(collection);
  if (!queue) {
    queue = gatherWrites<{ filter: mongo.Document; update: mongo.Document }>((ops) =>
      collection.bulkWrite(
        ops.map((op) => ({ updateOne: { filter: op.filter, update: op.update as mongo.UpdateFilter<mongo.Document> } })),
        { ordered: false },
      ),
    );
    unansweredMoves.set(collection, queue);
  }
  return queue({ filter, update: update as mongo.Document });
}
