import { describe, expect, it } from 'vitest';
import { bulkFill, combinations, matrixOf, moveItem, parseRows, parseSkuWeight, specsProblem, specValueProblem } from './sku-matrix';

const colour = { name: '颜色', values: ['红', '蓝'] };
const size = { name: '尺码', values: ['S', 'M', 'L'] };

describe('the SKU matrix', () => {
  it('lists every combination once, the first spec varying slowest; no specs is the one SKU {}', () => {
    expect(combinations([colour, size]).map((c) => `${c['颜色']}${c['尺码']}`)).toEqual(['红S', '红M', '红L', '蓝S', '蓝M', '蓝L']);
    expect(combinations([])).toEqual([{}]);
  });

  it('keeps what was typed for combinations that remain when a value is added or a spec renamed', () => {
    let rows = matrixOf([colour], []);
    rows = rows.map((r) => ({ ...r, priceYuan: r.specs['颜色'] === '红' ? '10' : '12', stock: '5' }));
    const withSize = matrixOf([colour, { name: '尺码', values: ['M'] }], rows);
    expect(withSize.map((r) => [r.specs, r.priceYuan])).toEqual([
      [{ 颜色: '红', 尺码: 'M' }, ''],
      [{ 颜色: '蓝', 尺码: 'M' }, ''],
    ]);
    const more = matrixOf([{ ...colour, values: ['红', '蓝', '白'] }], rows);
    expect(more.map((r) => r.priceYuan)).toEqual(['10', '12', '']);
    const renamed = matrixOf([{ name: '色', values: ['红', '蓝'] }], rows);
    expect(renamed.map((r) => [r.specs, r.priceYuan])).toEqual([
      [{ 色: '红' }, '10'],
      [{ 色: '蓝' }, '12'],
    ]);
  });

  it('refuses specs over the limits, with the reason in Chinese', () => {
    expect(specsProblem([colour, size])).toBeUndefined();
    expect(specsProblem([colour, size, { name: 'a', values: ['1'] }, { name: 'b', values: ['1'] }])).toBe('最多 3 个规格');
    expect(specsProblem([{ name: '颜色颜色颜色颜色颜色颜色', values: ['红'] }])).toBe('规格名最多 10 个字');
    expect(specsProblem([colour, { ...colour }])).toBe('规格名「颜色」重复了');
    expect(specsProblem([{ name: '颜色', values: [] }])).toBe('请给「颜色」添加至少一个规格值');
    expect(specsProblem([{ name: '颜色', values: ['红', '红'] }])).toBe('「颜色」有重复的规格值');
    const many = (name: string) => ({ name, values: Array.from({ length: 11 }, (_, i) => `${i}`) });
    expect(specsProblem([many('a'), many('b')])).toBe('规格组合共 121 个，最多 100 个');
    expect(specValueProblem(colour, ' 红 ')).toBe('「红」已经有了');
    expect(specValueProblem(colour, 'x'.repeat(21))).toBe('规格值最多 20 个字');
    expect(specValueProblem(colour, '白')).toBeUndefined();
  });

  it('bulk-fills price and stock, parses rows into fen and units, and names the bad cells', () => {
    const rows = bulkFill(matrixOf([colour], []), { priceYuan: '19.9', stock: '' });
    expect(rows.map((r) => [r.priceYuan, r.stock])).toEqual([
      ['19.9', '0'],
      ['19.9', '0'],
    ]);
    expect(parseRows(bulkFill(rows, { stock: '7' }))).toEqual({
      ok: true,
      value: [
        { specs: { 颜色: '红' }, priceFen: 1990, stock: 7 },
        { specs: { 颜色: '蓝' }, priceFen: 1990, stock: 7 },
      ],
    });
    const bad = parseRows([{ ...rows[0]!, priceYuan: '1.999' }, { ...rows[1]!, stock: '-1' }]);
    expect(bad).toMatchObject({ ok: false, rowErrors: { 0: { priceYuan: expect.stringMatching(/格式/) }, 1: { stock: expect.any(String) } } });
  });

  it('takes a weight per SKU in grams (按重量 templates): optional, a bare number is grams, kg or g as typed', () => {
    expect(['', ' 0 ', '500', '500g', '1.2kg', '2 公斤'].map(parseSkuWeight)).toEqual([
      { ok: true, value: undefined },
      { ok: true, value: 0 },
      { ok: true, value: 500 },
      { ok: true, value: 500 },
      { ok: true, value: 1200 },
      { ok: true, value: 2000 },
    ]);
    for (const bad of ['abc', '1.5', '-1', '1001kg']) expect(parseSkuWeight(bad).ok, bad).toBe(false);
    const rows = bulkFill(matrixOf([colour], []), { priceYuan: '10', weight: '250g' });
    expect(parseRows([rows[0]!, { ...rows[1]!, weight: '' }])).toEqual({
      ok: true,
      value: [
        { specs: { 颜色: '红' }, priceFen: 1000, stock: 0, weightGrams: 250 },
        { specs: { 颜色: '蓝' }, priceFen: 1000, stock: 0 },
      ],
    });
    expect(parseRows([{ ...rows[0]!, weight: '半斤' }])).toMatchObject({ ok: false, rowErrors: { 0: { weight: expect.any(String) } } });
  });

  it('moves a gallery image', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b'], 0, 5)).toEqual(['a', 'b']);
  });
});
