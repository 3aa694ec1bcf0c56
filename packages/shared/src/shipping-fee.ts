// The shipping fee (运费) of an order, from its items' shipping templates and the address's province. Pure, so the
// API charges it and the checkout can preview it with the same rule.

export const SHIPPING_MODES = ['FLAT', 'PIECE'] as const;
export type ShippingMode = (typeof SHIPPING_MODES)[number];

/** One rule of a template: the provinces it covers (empty: everywhere the other rules do not name). */
export interface ShippingRule {
  provinces: string[];
  /** FLAT: the fee of the order. PIECE: the fee of the first `first` pieces. */
  firstFen: number;
  first?: number;
  /** PIECE: the fee of each further `next` pieces (or part of them); absent: further pieces are free. */
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

/** The items of one order that ship under one template: how many pieces and what they cost. */
export interface ShippingGroup {
  template: ShippingTemplateRule;
  pieces: number;
  itemsFen: number;
}

export type ShippingFee = { deliverable: true; feeFen: number } | { deliverable: false; province: string };

/** The rule of a template that applies to a province: the one naming it, else the "everywhere else" one. */
export function ruleFor(template: ShippingTemplateRule, province: string): ShippingRule | undefined {
  return template.rules.find((r) => r.provinces.includes(province)) ?? template.rules.find((r) => r.provinces.length === 0);
}

/** A group's fee in two parts: its first fee, and what its further pieces add. */
function partsOf(group: ShippingGroup, rule: ShippingRule): { firstFen: number; moreFen: number } {
  if (group.template.mode === 'FLAT') return { firstFen: rule.firstFen, moreFen: 0 };
  const beyond = Math.max(0, group.pieces - (rule.first ?? 1));
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
 * PIECE rule without `first ≥ 1`, or with `nextFen` but no `next ≥ 1`.
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
    if (template.mode === 'PIECE') {
      if (rule.first === undefined || rule.first < 1) return 'rules: a PIECE rule needs first ≥ 1';
      if (rule.nextFen !== undefined && (rule.next === undefined || rule.next < 1)) return 'rules: a PIECE rule with nextFen needs next ≥ 1';
    }
  }
  if (everywhereElse > 1) return 'rules: at most one rule for everywhere else (empty provinces)';
  return undefined;
}
