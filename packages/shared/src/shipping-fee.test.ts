import { describe, expect, it } from 'vitest';
import { shippingFeeOf, shippingTemplateProblem, type ShippingTemplateRule } from './shipping-fee';

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

describe('shippingFeeOf', () => {
  it('charges a FLAT template once per order, by the rule of the province or everywhere else', () => {
    expect(shippingFeeOf([{ template: flat, pieces: 5, itemsFen: 500 }], '广东省')).toEqual({ deliverable: true, feeFen: 800 });
    expect(shippingFeeOf([{ template: flat, pieces: 1, itemsFen: 500 }], '新疆维吾尔自治区')).toEqual({ deliverable: true, feeFen: 2000 });
  });

  it('charges a PIECE template its first fee for the first pieces and nextFen per started step after', () => {
    const fee = (pieces: number) => shippingFeeOf([{ template: piece, pieces, itemsFen: 100 }], '广东省');
    expect(fee(1)).toEqual({ deliverable: true, feeFen: 1000 });
    expect(fee(2)).toEqual({ deliverable: true, feeFen: 1000 });
    expect(fee(3)).toEqual({ deliverable: true, feeFen: 1300 });
    expect(fee(4)).toEqual({ deliverable: true, feeFen: 1300 });
    expect(fee(5)).toEqual({ deliverable: true, feeFen: 1600 });
  });

  it('ships free when the template’s items cost at least freeAboveFen', () => {
    expect(shippingFeeOf([{ template: piece, pieces: 3, itemsFen: 9999 }], '广东省')).toEqual({ deliverable: true, feeFen: 1300 });
    expect(shippingFeeOf([{ template: piece, pieces: 3, itemsFen: 10000 }], '广东省')).toEqual({ deliverable: true, feeFen: 0 });
  });

  it('refuses a province the template does not deliver to, listed or covered by no rule', () => {
    expect(shippingFeeOf([{ template: flat, pieces: 1, itemsFen: 100 }], '西藏自治区')).toEqual({ deliverable: false, province: '西藏自治区' });
    const onlyNearby: ShippingTemplateRule = { mode: 'FLAT', rules: [{ provinces: ['上海市'], firstFen: 500 }], undeliverable: [] };
    expect(shippingFeeOf([{ template: onlyNearby, pieces: 1, itemsFen: 100 }], '北京市')).toEqual({ deliverable: false, province: '北京市' });
  });

  it('charges nothing without templates', () => {
    expect(shippingFeeOf([], '广东省')).toEqual({ deliverable: true, feeFen: 0 });
  });

  it('combines templates: the highest first fee plus every template’s further pieces', () => {
    const fee = shippingFeeOf(
      [
        { template: flat, pieces: 1, itemsFen: 100 },
        { template: piece, pieces: 5, itemsFen: 100 },
      ],
      '广东省',
    );
    // max(800, 1000) + piece's 3 further pieces in steps of 2 (2 × 300).
    expect(fee).toEqual({ deliverable: true, feeFen: 1600 });
    // A template that ships free adds nothing, not even its first fee.
    expect(shippingFeeOf([{ template: flat, pieces: 1, itemsFen: 100 }, { template: piece, pieces: 5, itemsFen: 20000 }], '广东省')).toEqual({ deliverable: true, feeFen: 800 });
  });
});

describe('shippingTemplateProblem', () => {
  it('accepts a sound template', () => {
    expect(shippingTemplateProblem(flat)).toBeUndefined();
    expect(shippingTemplateProblem(piece)).toBeUndefined();
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
