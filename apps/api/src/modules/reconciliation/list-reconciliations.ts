import type { Models } from '../../collections';
import type { ReconciliationDoc } from './model';

/** The newest dates first; WeChat keeps three months of bills, so a page of 100 covers them. */
export function listReconciliations(models: Models, limit = 100): Promise<ReconciliationDoc[]> {
  return models.Reconciliation.find({}).sort({ date: -1 }).limit(limit).lean<ReconciliationDoc[]>();
}

export async function getReconciliation(models: Models, date: string): Promise<ReconciliationDoc | undefined> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  return (await models.Reconciliation.findOne({ date }).lean<ReconciliationDoc>()) ?? undefined;
}
