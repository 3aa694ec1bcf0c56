// The shipping fee (运费) of an order, from its items' shipping templates and the address's province. Pure, so the
// API charges it and the checkout can preview it with the same rule.

export const SHIPPING_MODES = ['FLAT', 'PIECE', 'WEIGHT'] as const;
export type ShippingMode = (typeof SHIPPING_MODES)[number];

/** One rule of a template: the provinces it covers (empty: everywhere the other rules do not name). */
export interface ShippingRule {
  provinces: string[];
  /** FLAT: the fee of the order. PIECE: the fee of the first `first` pieces. WEIGHT: of the first `first` grams. */
  firstFen: number;
  first?: number;
  /** PIECE/WEIGHT: the fee of each further `next` pieces or grams (or part of them); absent: the rest is free. */
  nextFen?: number;
  next?: number;
}

export interface ShippingTemplateRule {
  mode: ShippingMode;
  rules: ShippingRule[];
  /** The fee is 0 when the items of this template cost at least this much. */
  freeAboveFen?: number;
  /** Provinces not delivered to. */
  undeliverable: string[];
}

/** The items of one order that ship under one template: how many pieces, what they weigh and what they cost. */
export interface ShippingGroup {
  template: ShippingTemplateRule;
  pieces: number;
  /** Σ quantity × the SKU's weight in grams (a SKU without a weight weighs 0). */
  weightGrams: number;
  itemsFen: number;
}

export type ShippingFee = { deliverable: true; feeFen: number } | { deliverable: false; province: string };

/** The rule of a template that applies to a province: the one naming it, else the "everywhere else" one. */
export function ruleFor(template: ShippingTemplateRule, province: string): ShippingRule | undefined {
  return template.rules.find((r) => r.provinces.includes(province)) ?? template.rules.find((r) => r.provinces.length === 0);
}

/** A group's fee in two parts: its first fee, and what its further pieces (or grams) add. */
function partsOf(group: ShippingGroup, rule: ShippingRule): { firstFen: number; moreFen: number } {
  if (group.template.mode === 'FLAT') return { firstFen: rule.firstFen, moreFen: 0 };
  const measure = group.template.mode === 'WEIGHT' ? group.weightGrams : group.pieces;
  const beyond = Math.max(0, measure - (rule.first ?? 1));
  const steps = rule.nextFen && beyond > 0 ? Math.ceil(beyond / (rule.next ?? 1)) : 0;
  return { firstFen: rule.firstFen, moreFen: steps * (rule.nextFen ?? 0) };
}

/**
 * The fee of an order whose items ship under the given templates (items without any template add nothing).
 * A province a template does not deliver to (listed as undeliverable, or covered by none of its rules) makes the
 * whole order undeliverable. A template whose own items cost at least its `freeAboveFen` ships them free.
 * Several templates in one order ship as one parcel, as the common shop systems charge it: the highest first fee
 * among them, plus every template's charge for its further pieces (so a second template never adds a second
 * first fee).
 */
export function shippingFeeOf(groups: ShippingGroup[], province: string): ShippingFee {
  let highestFirst = 0;
  let more = 0;
  for (const group of groups) {
    const rule = ruleFor(group.template, province);
    if (group.template.undeliverable.includes(province) || !rule) return { deliverable: false, province };
    const free = group.template.freeAboveFen !== undefined && group.itemsFen >= group.template.freeAboveFen;
    if (free) continue;
    const parts = partsOf(group, rule);
    highestFirst = Math.max(highestFirst, parts.firstFen);
    more += parts.moreFen;
  }
  return { deliverable: true, feeFen: highestFirst + more };
}

/**
 * What is wrong with a template, in words for the log and the 400's message (undefined when nothing is): a
 * province in two rules, more than one "everywhere else" rule, a province both in a rule and undeliverable, a
 * PIECE or WEIGHT rule without `first ≥ 1` (pieces or grams), or with `nextFen` but no `next ≥ 1`.
 */
export function shippingTemplateProblem(template: ShippingTemplateRule): string | undefined {
  const seen = new Set<string>();
  let everywhereElse = 0;
  for (const rule of template.rules) {
    if (rule.provinces.length === 0) everywhereElse += 1;
    for (const province of rule.provinces) {
      if (seen.has(province)) return `rules: ${province} is in two rules`;
      seen.add(province);
      if (template.undeliverable.includes(province)) return `rules: ${province} is both in a rule and undeliverable`;
    }
    if (template.mode === 'PIECE' || template.mode === 'WEIGHT') {
      if (rule.first === undefined || rule.first < 1) return `rules: a ${template.mode} rule needs first ≥ 1`;
      if (rule.nextFen !== undefined && (rule.next === undefined || rule.next < 1)) return `rules: a ${template.mode} rule with nextFen needs next ≥ 1`;
    }
  }
  if (everywhereElse > 1) return 'rules: at most one rule for everywhere else (empty provinces)';
  return undefined;
}

/** What may still be refunded of an order, whole and in part (order reads and the refund guards use the same figures). */
export interface RefundRoom {
  /** paid − committed (≥ 0): a refund of exactly this much is whole and includes the fee. */
  refundableFen: number;
  /** The items' part: refundableFen − the shipping fee (≥ 0), the most a partial refund may take without the fee. */
  partialRefundMaxFen: number;
}

/**
 * The refund room of an order. The fee is the last money out: a partial refund leaves it in the order unless
 * the admin includes it, and only the refund of everything that remains takes it (orders from before fees have
 * none, so everything is the items' part).
 */
export function refundRoomOf(order: { paidFen?: number | null; refundCommittedFen?: number | null; shippingFeeFen?: number | null }): RefundRoom {
  const refundableFen = Math.max(0, (order.paidFen ?? 0) - (order.refundCommittedFen ?? 0));
  return { refundableFen, partialRefundMaxFen: Math.max(0, refundableFen - (order.shippingFeeFen ?? 0)) };
}
