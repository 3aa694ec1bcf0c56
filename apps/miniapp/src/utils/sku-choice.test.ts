import { describe, expect, it } from 'vitest';
import type { Sku } from '@xiaodian/shared';
import {
  choiceView,
  choose,
  chosenSku,
  initialChoice,
  listPriceText,
  missingSpecs,
  needsPicker,
  priceRangeText,
  specsText,
  valueState,
  type Pickable,
} from './sku-choice';

const sku = (id: string, color: string, size: string, priceFen: number, stock: number, imageUrl?: string): Sku => ({
  id,
  specs: { 颜色: color, 尺寸: size },
  priceFen,
  stock,
  ...(imageUrl ? { imageUrl } : {}),
});

/** A T-shirt, 2 × 3: red M is sold out, and every blue one but L. */
const shirt: Pickable = {
  priceFen: 3900,
  stock: 9,
  imageUrl: '/api/images/shirt/medium',
  specs: [
    { name: '颜色', values: ['红色', '蓝色'] },
    { name: '尺寸', values: ['S', 'M', 'L'] },
  ],
  skus: [
    sku('r-s', '红色', 'S', 3900, 2, '/api/images/red/medium'),
    sku('r-m', '红色', 'M', 3900, 0, '/api/images/red/medium'),
    sku('r-l', '红色', 'L', 4500, 4, '/api/images/red/medium'),
    sku('b-s', '蓝色', 'S', 3900, 0, '/api/images/blue/medium'),
    sku('b-m', '蓝色', 'M', 3900, 0, '/api/images/blue/medium'),
    sku('b-l', '蓝色', 'L', 5900, 3, '/api/images/blue/medium'),
  ],
};

const plain: Pickable = { priceFen: 1999, stock: 5, specs: [], skus: [{ id: 'only', specs: {}, priceFen: 1999, stock: 5 }] };

describe('which values can be chosen', () => {
  it('shows a value that leads only to sold-out SKUs as not choosable, given what is chosen', () => {
    expect(valueState(shirt, {}, '尺寸', 'M')).toBe('disabled'); // red M and blue M are both sold out
    expect(valueState(shirt, {}, '尺寸', 'S')).toBe('available'); // red S is in stock
    expect(valueState(shirt, { 颜色: '蓝色' }, '尺寸', 'S')).toBe('disabled');
    expect(valueState(shirt, { 颜色: '蓝色' }, '尺寸', 'L')).toBe('available');
    expect(valueState(shirt, { 尺寸: 'S' }, '颜色', '蓝色')).toBe('disabled');
    expect(valueState(shirt, { 尺寸: 'S' }, '颜色', '红色')).toBe('available');
    expect(valueState(shirt, { 颜色: '红色' }, '颜色', '红色')).toBe('selected');
    // Another value of a chosen dimension is judged against the other dimensions only.
    expect(valueState(shirt, { 颜色: '红色', 尺寸: 'L' }, '颜色', '蓝色')).toBe('available');
  });

  it('chooses, unchooses on a second tap, and ignores a tap on a value that cannot be chosen', () => {
    let choice = choose(shirt, {}, '颜色', '蓝色');
    expect(choice).toEqual({ 颜色: '蓝色' });
    expect(choose(shirt, choice, '尺寸', 'M')).toBe(choice);
    choice = choose(shirt, choice, '尺寸', 'L');
    expect(choice).toEqual({ 颜色: '蓝色', 尺寸: 'L' });
    expect(choose(shirt, choice, '颜色', '蓝色')).toEqual({ 尺寸: 'L' });
    // Switching to a value still possible with the rest keeps the rest.
    expect(choose(shirt, choice, '颜色', '红色')).toEqual({ 颜色: '红色', 尺寸: 'L' });
  });
});

describe('the SKU a choice names', () => {
  it('needs one value per dimension, and says which are missing', () => {
    expect(chosenSku(shirt, { 颜色: '红色' })).toBeUndefined();
    expect(missingSpecs(shirt, { 颜色: '红色' })).toEqual(['尺寸']);
    expect(missingSpecs(shirt, {})).toEqual(['颜色', '尺寸']);
    expect(chosenSku(shirt, { 颜色: '红色', 尺寸: 'L' })?.id).toBe('r-l');
    expect(missingSpecs(shirt, { 颜色: '红色', 尺寸: 'L' })).toEqual([]);
  });

  it('is the one SKU of a product without specs, which skips the picker', () => {
    expect(chosenSku(plain, {})?.id).toBe('only');
    expect(needsPicker(plain)).toBe(false);
    expect(needsPicker(shirt)).toBe(true);
  });

  it('starts on the only SKU in stock, or on single-valued dimensions', () => {
    expect(initialChoice(shirt)).toEqual({});
    const lastOne: Pickable = { ...shirt, skus: shirt.skus.map((s) => ({ ...s, stock: s.id === 'b-l' ? 1 : 0 })) };
    expect(initialChoice(lastOne)).toEqual({ 颜色: '蓝色', 尺寸: 'L' });
    const oneSize: Pickable = {
      ...shirt,
      specs: [shirt.specs[0]!, { name: '尺寸', values: ['均码'] }],
      skus: [sku('r', '红色', '均码', 3900, 1), sku('b', '蓝色', '均码', 3900, 2)],
    };
    expect(initialChoice(oneSize)).toEqual({ 尺寸: '均码' });
    expect(initialChoice(plain)).toEqual({});
  });
});

describe('what the sheet shows', () => {
  it('price, stock and image follow the choice', () => {
    const none = choiceView(shirt, {});
    expect(none).toMatchObject({ minFen: 3900, maxFen: 5900, stock: 9, imageUrl: '/api/images/shirt/medium' });
    expect(none.sku).toBeUndefined();
    expect(priceRangeText(none)).toBe('¥39.00 - ¥59.00');

    const red = choiceView(shirt, { 颜色: '红色' });
    expect(red).toMatchObject({ minFen: 3900, maxFen: 4500, stock: 6, imageUrl: '/api/images/red/medium' });

    const blueL = choiceView(shirt, { 颜色: '蓝色', 尺寸: 'L' });
    expect(blueL).toMatchObject({ minFen: 5900, maxFen: 5900, stock: 3, imageUrl: '/api/images/blue/medium' });
    expect(blueL.sku?.id).toBe('b-l');
    expect(priceRangeText(blueL)).toBe('¥59.00');

    // SKUs without their own image keep the product's.
    expect(choiceView(plain, {})).toEqual({ sku: plain.skus[0], minFen: 1999, maxFen: 1999, stock: 5 });
  });

  it('lists the lowest price with 起 when SKU prices differ', () => {
    expect(listPriceText(shirt)).toBe('¥39.00 起');
    expect(listPriceText(plain)).toBe('¥19.99');
  });

  it('writes the specs in the dimensions’ order, or as the order snapshot has them', () => {
    expect(specsText({ 尺寸: 'L', 颜色: '红色' }, shirt.specs)).toBe('红色 / L');
    expect(specsText({ 颜色: '红色', 尺寸: 'L' })).toBe('红色 / L');
    expect(specsText({})).toBe('');
    expect(specsText(undefined)).toBe('');
  });
});
