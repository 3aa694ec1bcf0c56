import { describe, expect, it } from 'vitest';
import { refundRoomOf, shippingFeeOf, shippingTemplateProblem, type ShippingTemplateRule } from './shipping-fee';

const flat: ShippingTemplateRule = {
  mode: 'FLAT',
  rules: [
    { provinces: ['新疆维吾尔自治区'], firstFen: 2000 },
    { provinces: [], firstFen: 800 },
  ],
  undeliverable: ['西藏自治区'],
};
const piece: ShippingTemplateRule = {
  mode: 'PIECE',
  rules: [{ provinces: [], firstFen: 1000, first: 2, nextFen: 300, next: 2 }],
  freeAboveFen: 10000,
  undeliverable: [],
};

const weight: ShippingTemplateRule = {
  mode: 'WEIGHT',
  rules: [
    { provinces: ['新疆维吾尔自治区'], firstFen: 2000, first: 1000, nextFen: 1500, next: 1000 },
    { provinces: [], firstFen: 800, first: 1000, nextFen: 500, next: 500 },
  ],
  undeliverable: ['西藏自治区'],
};

describe('shippingFeeOf', () => {
  it('charges a FLAT template once per order, by the rule of the province or everywhere else', () => {
    expect(shippingFeeOf([{ template: flat, pieces: 5, weightGrams: 0, itemsFen: 500 }], '广东省')).toEqual({ deliverable: true, feeFen: 800 });
    expect(shippingFeeOf([{ template: flat, pieces: 1, weightGrams: 0, itemsFen: 500 }], '新疆维吾尔自治区')).toEqual({ deliverable: true, feeFen: 2000 });
  });

  it('charges a PIECE template its first fee for the first pieces and nextFen per started step after', () => {
    const fee = (pieces: number) => shippingFeeOf([{ template: piece, pieces, weightGrams: 0, itemsFen: 100 }], '广东省');
    expect(fee(1)).toEqual({ deliverable: true, feeFen: 1000 });
    expect(fee(2)).toEqual({ deliverable: true, feeFen: 1000 });
    expect(fee(3)).toEqual({ deliverable: true, feeFen: 1300 });
    expect(fee(4)).toEqual({ deliverable: true, feeFen: 1300 });
    expect(fee(5)).toEqual({ deliverable: true, feeFen: 1600 });
  });

  it('ships free when the template’s items cost at least freeAboveFen', () => {
    expect(shippingFeeOf([{ template: piece, pieces: 3, weightGrams: 0, itemsFen: 9999 }], '广东省')).toEqual({ deliverable: true, feeFen: 1300 });
    expect(shippingFeeOf([{ template: piece, pieces: 3, weightGrams: 0, itemsFen: 10000 }], '广东省')).toEqual({ deliverable: true, feeFen: 0 });
  });

  it('refuses a province the template does not deliver to, listed or covered by no rule', () => {
    expect(shippingFeeOf([{ template: flat, pieces: 1, weightGrams: 0, itemsFen: 100 }], '西藏自治区')).toEqual({ deliverable: false, province: '西藏自治区' });
    const onlyNearby: ShippingTemplateRule = { mode: 'FLAT', rules: [{ provinces: ['上海市'], firstFen: 500 }], undeliverable: [] };
    expect(shippingFeeOf([{ template: onlyNearby, pieces: 1, weightGrams: 0, itemsFen: 100 }], '北京市')).toEqual({ deliverable: false, province: '北京市' });
  });

  it('charges a WEIGHT template its first fee for the first grams and nextFen per started step of grams after', () => {
    const fee = (weightGrams: number, province = '广东省') => shippingFeeOf([{ template: weight, pieces: 1, weightGrams, itemsFen: 100 }], province);
    // Weightless SKUs (no weight set) and anything up to the first 1000 g cost the first fee.
    expect(fee(0)).toEqual({ deliverable: true, feeFen: 800 });
    expect(fee(1000)).toEqual({ deliverable: true, feeFen: 800 });
    // 1 g over starts a step of 500 g; 500 g over is exactly one; 501 g over is two.
    expect(fee(1001)).toEqual({ deliverable: true, feeFen: 1300 });
    expect(fee(1500)).toEqual({ deliverable: true, feeFen: 1300 });
    expect(fee(1501)).toEqual({ deliverable: true, feeFen: 1800 });
    expect(fee(2500, '新疆维吾尔自治区')).toEqual({ deliverable: true, feeFen: 2000 + 2 * 1500 });
    expect(fee(100, '西藏自治区')).toEqual({ deliverable: false, province: '西藏自治区' });
    // Pieces do not count under WEIGHT; without nextFen, grams past the first are free.
    expect(shippingFeeOf([{ template: weight, pieces: 40, weightGrams: 900, itemsFen: 100 }], '广东省')).toEqual({ deliverable: true, feeFen: 800 });
    const firstOnly: ShippingTemplateRule = { mode: 'WEIGHT', rules: [{ provinces: [], firstFen: 600, first: 1 }], undeliverable: [] };
    expect(shippingFeeOf([{ template: firstOnly, pieces: 3, weightGrams: 50_000, itemsFen: 100 }], '广东省')).toEqual({ deliverable: true, feeFen: 600 });
  });

  it('combines a WEIGHT template with a PIECE one: one first fee, each adds its own further steps', () => {
    const fee = shippingFeeOf(
      [
        { template: weight, pieces: 2, weightGrams: 2000, itemsFen: 100 },
        { template: piece, pieces: 3, weightGrams: 999_999, itemsFen: 100 },
      ],
      '广东省',
    );
    // max(800, 1000) + weight's 1000 g over in steps of 500 (2 × 500) + piece's 1 further piece (1 × 300).
    expect(fee).toEqual({ deliverable: true, feeFen: 1000 + 1000 + 300 });
  });

  it('charges nothing without templates', () => {
    expect(shippingFeeOf([], '广东省')).toEqual({ deliverable: true, feeFen: 0 });
  });

  it('combines templates: the highest first fee plus every template’s further pieces', () => {
    const fee = shippingFeeOf(
      [
        { template: flat, pieces: 1, weightGrams: 0, itemsFen: 100 },
        { template: piece, pieces: 5, weightGrams: 0, itemsFen: 100 },
      ],
      '广东省',
    );
    // max(800, 1000) + piece's 3 further pieces in steps of 2 (2 × 300).
    expect(fee).toEqual({ deliverable: true, feeFen: 1600 });
    // A template that ships free adds nothing, not even its first fee.
    expect(shippingFeeOf([{ template: flat, pieces: 1, weightGrams: 0, itemsFen: 100 }, { template: piece, pieces: 5, weightGrams: 0, itemsFen: 20000 }], '广东省')).toEqual({ deliverable: true, feeFen: 800 });
  });
});

describe('shippingTemplateProblem', () => {
  it('accepts a sound template', () => {
    expect(shippingTemplateProblem(flat)).toBeUndefined();
    expect(shippingTemplateProblem(piece)).toBeUndefined();
    expect(shippingTemplateProblem(weight)).toBeUndefined();
  });

  it('refuses overlapping rules, two rules for everywhere else, and a province both ruled and undeliverable', () => {
    expect(shippingTemplateProblem({ ...flat, rules: [{ provinces: ['上海市'], firstFen: 1 }, { provinces: ['北京市', '上海市'], firstFen: 2 }] })).toMatch(/two rules/);
    expect(shippingTemplateProblem({ ...flat, rules: [{ provinces: [], firstFen: 1 }, { provinces: [], firstFen: 2 }] })).toMatch(/everywhere else/);
    expect(shippingTemplateProblem({ ...flat, rules: [{ provinces: ['西藏自治区'], firstFen: 1 }] })).toMatch(/undeliverable/);
  });

  it('refuses PIECE rules without first ≥ 1, or with nextFen and no next ≥ 1', () => {
    expect(shippingTemplateProblem({ ...piece, rules: [{ provinces: [], firstFen: 1 }] })).toMatch(/first/);
    expect(shippingTemplateProblem({ ...piece, rules: [{ provinces: [], firstFen: 1, first: 0 }] })).toMatch(/first/);
    expect(shippingTemplateProblem({ ...piece, rules: [{ provinces: [], firstFen: 1, first: 1, nextFen: 100 }] })).toMatch(/next/);
  });
});

describe('shippingTemplateProblem for WEIGHT', () => {
  it('refuses WEIGHT rules without first ≥ 1 gram, or with nextFen and no next ≥ 1', () => {
    expect(shippingTemplateProblem({ ...weight, rules: [{ provinces: [], firstFen: 1 }] })).toMatch(/WEIGHT rule needs first/);
    expect(shippingTemplateProblem({ ...weight, rules: [{ provinces: [], firstFen: 1, first: 0 }] })).toMatch(/first/);
    expect(shippingTemplateProblem({ ...weight, rules: [{ provinces: [], firstFen: 1, first: 500, nextFen: 100 }] })).toMatch(/WEIGHT rule with nextFen needs next/);
    expect(shippingTemplateProblem({ ...weight, rules: [{ provinces: [], firstFen: 1, first: 500, nextFen: 100, next: 0 }] })).toMatch(/next/);
    expect(shippingTemplateProblem({ ...weight, rules: [{ provinces: [], firstFen: 1, first: 500 }] })).toBeUndefined();
  });
});

describe('refundRoomOf', () => {
  it('keeps the fee out of a partial refund: the items’ part is what remains minus the fee', () => {
    expect(refundRoomOf({ paidFen: 10800, refundCommittedFen: 0, shippingFeeFen: 800 })).toEqual({ refundableFen: 10800, partialRefundMaxFen: 10000 });
    expect(refundRoomOf({ paidFen: 10800, refundCommittedFen: 10000, shippingFeeFen: 800 })).toEqual({ refundableFen: 800, partialRefundMaxFen: 0 });
    // A fee refunded early (included by the admin) leaves less than the fee: never negative.
    expect(refundRoomOf({ paidFen: 10800, refundCommittedFen: 10500, shippingFeeFen: 800 })).toEqual({ refundableFen: 300, partialRefundMaxFen: 0 });
  });

  it('treats orders from before fees (no shippingFeeFen) and unpaid ones as having no fee and nothing paid', () => {
    expect(refundRoomOf({ paidFen: 5000, refundCommittedFen: 1000 })).toEqual({ refundableFen: 4000, partialRefundMaxFen: 4000 });
    expect(refundRoomOf({ paidFen: null, refundCommittedFen: null, shippingFeeFen: 800 })).toEqual({ refundableFen: 0, partialRefundMaxFen: 0 });
  });
});
