import { describe, expect, it } from 'vitest';
import type { ShippingTemplate } from '@xiaodian/shared';
import {
  emptyRule,
  formatGrams,
  parseWeight,
  PROVINCES,
  shortProvince,
  takenElsewhere,
  templateBodyOf,
  templateDraftOf,
  templateLines,
  type TemplateDraft,
} from './shipping-templates';

const draft = (over: Partial<TemplateDraft>): TemplateDraft => ({ ...templateDraftOf(), name: '模板', ...over });

describe('the 34 provincial divisions', () => {
  it('are the names WeChat’s address picker gives, each once, with short labels for chips', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(new Set(PROVINCES).size).toBe(34);
    expect(PROVINCES).toContain('新疆维吾尔自治区');
    expect(['内蒙古自治区', '广西壮族自治区', '香港特别行政区', '北京市', '广东省'].map(shortProvince)).toEqual(['内蒙古', '广西', '香港', '北京', '广东']);
  });
});

describe('weights as the owner types them', () => {
  it('reads kilograms or grams by the form’s unit or the typed one, exactly, in grams', () => {
    expect(parseWeight('1.5', 'kg')).toEqual({ ok: true, value: 1500 });
    expect(parseWeight('0.001', 'kg')).toEqual({ ok: true, value: 1 });
    expect(parseWeight('500', 'g')).toEqual({ ok: true, value: 500 });
    expect(parseWeight('500g', 'kg')).toEqual({ ok: true, value: 500 });
    expect(parseWeight('2 公斤', 'g')).toEqual({ ok: true, value: 2000 });
    expect(parseWeight('1.2KG', 'g')).toEqual({ ok: true, value: 1200 });
  });

  it('refuses what is not a weight, finer than a gram, zero or above 1000 kg', () => {
    for (const [text, unit] of [['', 'kg'], ['abc', 'kg'], ['1.0001', 'kg'], ['1.5', 'g'], ['0', 'g'], ['0', 'kg'], ['1001', 'kg'], ['-1', 'kg']] as const) {
      expect(parseWeight(text, unit).ok, `${text} ${unit}`).toBe(false);
    }
  });

  it('shows kilograms from 1 kg up and grams below', () => {
    expect([500, 1000, 1500, 1234, 20000].map(formatGrams)).toEqual(['500g', '1kg', '1.5kg', '1.234kg', '20kg']);
  });
});

describe('the template form', () => {
  it('sends fen and grams: a weight template with a rule for far provinces, 其他地区, 包邮 and 不配送', () => {
    const body = templateBodyOf(
      draft({
        name: ' 按重量 ',
        mode: 'WEIGHT',
        rules: [{ provinces: ['新疆维吾尔自治区', '西藏自治区'], firstYuan: '20', first: '1', nextYuan: '10', next: '0.5' }],
        other: { provinces: [], firstYuan: '8', first: '1', nextYuan: '2.5', next: '1' },
        freeAboveYuan: '99',
        undeliverable: ['台湾省'],
      }),
    );
    expect(body).toEqual({
      ok: true,
      value: {
        name: '按重量',
        mode: 'WEIGHT',
        rules: [
          { provinces: ['新疆维吾尔自治区', '西藏自治区'], firstFen: 2000, first: 1000, nextFen: 1000, next: 500 },
          { provinces: [], firstFen: 800, first: 1000, nextFen: 250, next: 1000 },
        ],
        undeliverable: ['台湾省'],
        freeAboveFen: 9900,
      },
    });
  });

  it('sends only the fee for 统一运费, and leaves 续费 out when it is empty', () => {
    expect(templateBodyOf(draft({ other: { ...emptyRule(), firstYuan: '0' } }))).toEqual({
      ok: true,
      value: { name: '模板', mode: 'FLAT', rules: [{ provinces: [], firstFen: 0 }], undeliverable: [] },
    });
    expect(templateBodyOf(draft({ mode: 'PIECE', other: { ...emptyRule(), firstYuan: '10', first: '2' } }))).toMatchObject({
      ok: true,
      value: { rules: [{ provinces: [], firstFen: 1000, first: 2 }] },
    });
  });

  it('says field by field what is wrong, before asking the API', () => {
    const result = templateBodyOf(
      draft({
        name: ' ',
        mode: 'PIECE',
        rules: [
          { provinces: [], firstYuan: '1', first: '0', nextYuan: '1.234', next: '1' },
          { provinces: ['上海市'], firstYuan: '-1', first: '1', nextYuan: '', next: '' },
        ],
        other: { ...emptyRule(), firstYuan: '' },
        freeAboveYuan: '0',
        undeliverable: ['上海市'],
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject({
      name: '请输入模板名称',
      'rule.0.provinces': '请选择这条规则的地区',
      'rule.0.first': '件数须为 1–9999 的整数',
      'rule.0.nextYuan': expect.stringContaining('金额格式不正确'),
      'rule.1.firstYuan': '金额不能为负数',
      'rule.other.firstYuan': '请输入金额',
      rules: '上海 不能既配送又不配送',
      freeAboveYuan: '金额必须大于 0',
    });
    expect(result.error).toBe('请输入模板名称');
    expect(templateBodyOf(draft({ otherDelivers: false }))).toMatchObject({ ok: false, errors: { rules: '请至少设置一条配送规则' } });
  });

  it('keeps a province in one place: what other rules and 不配送 hold is taken', () => {
    const d = draft({ rules: [emptyRule(['北京市']), emptyRule(['上海市'])], undeliverable: ['台湾省'] });
    expect([...takenElsewhere(d, 0)].sort()).toEqual(['上海市', '台湾省'].sort());
    expect([...takenElsewhere(d, 'undeliverable')].sort()).toEqual(['上海市', '北京市'].sort());
  });

  it('opens a stored template as it was typed, and reads it in words for the list', () => {
    const stored: ShippingTemplate = {
      id: 't1',
      name: '按重量',
      isDefault: true,
      mode: 'WEIGHT',
      rules: [
        { provinces: ['新疆维吾尔自治区'], firstFen: 2000, first: 500, nextFen: 1000, next: 500 },
        { provinces: [], firstFen: 800, first: 1000 },
      ],
      freeAboveFen: 9900,
      undeliverable: ['台湾省', '香港特别行政区', '澳门特别行政区', '西藏自治区', '青海省'],
    };
    const d = templateDraftOf(stored);
    expect(d).toMatchObject({
      weightUnit: 'kg',
      rules: [{ provinces: ['新疆维吾尔自治区'], firstYuan: '20.00', first: '0.5', nextYuan: '10.00', next: '0.5' }],
      other: { firstYuan: '8.00', first: '1', nextYuan: '' },
      otherDelivers: true,
      freeAboveYuan: '99.00',
    });
    const { id: _id, isDefault: _d, ...body } = stored;
    expect(templateBodyOf(d)).toEqual({ ok: true, value: body });
    expect(templateLines(stored)).toEqual([
      '新疆：首重 500g ¥20.00，续重每 500g ¥10.00',
      '其他地区：首重 1kg ¥8.00',
      '满 ¥99.00 包邮',
      '不配送：台湾、香港、澳门、西藏 等 5 地',
    ]);
    expect(templateDraftOf({ ...stored, rules: [{ provinces: [], firstFen: 500, first: 250 }] }).weightUnit).toBe('g');
    expect(templateLines({ ...stored, mode: 'FLAT', rules: [{ provinces: [], firstFen: 0 }], undeliverable: [] })).toEqual(['全国：包邮', '满 ¥99.00 包邮']);
  });
});
