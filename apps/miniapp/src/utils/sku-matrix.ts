// The product editor's spec/SKU rules, pure and unit-tested: the SKU matrix is every combination of the specs'
// values (the API refuses a missing or duplicate one), rows keep what was typed when a spec gains or loses a value,
// and the limits are the API's (≤3 specs, names 1–10 chars, ≤20 values of 1–20 chars, ≤100 SKUs).
import { CATALOG_LIMITS } from '@xiaodian/shared';
import { parseStock, parseYuan, type FormErrors, type Parsed } from './admin-forms';
import { parseWeight } from './shipping-templates';

export const MAX_SPECS = CATALOG_LIMITS.specs;
export const MAX_SPEC_NAME = CATALOG_LIMITS.specNameMax;
export const MAX_SPEC_VALUES = CATALOG_LIMITS.specValues;
export const MAX_SPEC_VALUE = CATALOG_LIMITS.specValueMax;
export const MAX_SKUS = CATALOG_LIMITS.skus;
export const MAX_IMAGES = CATALOG_LIMITS.images;

/** A spec dimension as edited: 颜色 with 红, 蓝. */
export interface SpecDraft {
  name: string;
  values: string[];
}

/** One SKU row of the matrix as edited (price in yuan and stock as typed). */
export interface SkuRow {
  /** The combination, e.g. {颜色: '红', 尺码: 'M'}; `{}` for a product without specs. */
  specs: Record<string, string>;
  /** The API's id, for a SKU that exists. */
  skuId?: string;
  priceYuan: string;
  stock: string;
  /** The SKU's own image (an id or url the upload returned), if any. */
  image?: string;
  /** 重量 as typed ("500", "500g", "1.2kg"; a bare number is grams), '' for none. */
  weight: string;
}

/** Specs with a name and at least one value: only those make the matrix. */
export function usableSpecs(specs: readonly SpecDraft[]): SpecDraft[] {
  return specs
    .map((s) => ({ name: s.name.trim(), values: s.values.map((v) => v.trim()).filter(Boolean) }))
    .filter((s) => s.name && s.values.length > 0);
}

/** Every combination of the specs' values, the first spec varying slowest (the order shops list them in). */
export function combinations(specs: readonly SpecDraft[]): Record<string, string>[] {
  return specs.reduce<Record<string, string>[]>(
    (acc, spec) => acc.flatMap((combo) => spec.values.map((value) => ({ ...combo, [spec.name]: value }))),
    [{}],
  );
}

/** A row's identity within the matrix: the values in the specs' order ("红 / M"), also its label. */
export function skuLabel(specs: Record<string, string>, names: readonly string[]): string {
  return names.map((n) => specs[n] ?? '').join(' / ');
}

/**
 * The matrix for the specs, keeping what was typed for combinations that still exist (matched by their values:
 * adding 尺码 L keeps every 红/M and 蓝/M row; renaming a spec keeps the rows too, as its values are unchanged).
 */
export function matrixOf(specs: readonly SpecDraft[], previous: readonly SkuRow[]): SkuRow[] {
  const usable = usableSpecs(specs);
  const names = usable.map((s) => s.name);
  const before = new Map(previous.map((r) => [Object.values(r.specs).join('\u0000'), r]));
  return combinations(usable).map((combo) => {
    const kept = before.get(names.map((n) => combo[n]).join('\u0000'));
    return kept ? { ...kept, specs: combo } : { specs: combo, priceYuan: '', stock: '0', weight: '' };
  });
}

/** Why the specs cannot be saved, or undefined. */
export function specsProblem(specs: readonly SpecDraft[]): string | undefined {
  if (specs.length > MAX_SPECS) return `最多 ${MAX_SPECS} 个规格`;
  const names = new Set<string>();
  for (const spec of specs) {
    const name = spec.name.trim();
    if (!name) return '请填写规格名（如 颜色、尺码）';
    if (name.length > MAX_SPEC_NAME) return `规格名最多 ${MAX_SPEC_NAME} 个字`;
    if (names.has(name)) return `规格名「${name}」重复了`;
    names.add(name);
    const values = spec.values.map((v) => v.trim());
    if (values.length === 0) return `请给「${name}」添加至少一个规格值`;
    if (values.length > MAX_SPEC_VALUES) return `「${name}」最多 ${MAX_SPEC_VALUES} 个规格值`;
    if (values.some((v) => !v)) return `「${name}」有空的规格值`;
    const long = values.find((v) => v.length > MAX_SPEC_VALUE);
    if (long) return `规格值「${long.slice(0, 8)}…」超过 ${MAX_SPEC_VALUE} 个字`;
    if (new Set(values).size !== values.length) return `「${name}」有重复的规格值`;
  }
  const count = specs.reduce((n, s) => n * s.values.length, 1);
  if (count > MAX_SKUS) return `规格组合共 ${count} 个，最多 ${MAX_SKUS} 个`;
  return undefined;
}

/** A value to add to a spec: trimmed, not empty, not too long, not already there. */
export function specValueProblem(spec: SpecDraft, value: string): string | undefined {
  const v = value.trim();
  if (!v) return '请输入规格值';
  if (v.length > MAX_SPEC_VALUE) return `规格值最多 ${MAX_SPEC_VALUE} 个字`;
  if (spec.values.includes(v)) return `「${v}」已经有了`;
  if (spec.values.length >= MAX_SPEC_VALUES) return `最多 ${MAX_SPEC_VALUES} 个规格值`;
  return undefined;
}

/** 批量设置: the typed price, stock and/or weight copied into every row (an empty field leaves the rows as they are). */
export function bulkFill(rows: readonly SkuRow[], fill: { priceYuan?: string; stock?: string; weight?: string }): SkuRow[] {
  const price = fill.priceYuan?.trim();
  const stock = fill.stock?.trim();
  const weight = fill.weight?.trim();
  return rows.map((r) => ({ ...r, ...(price ? { priceYuan: price } : {}), ...(stock ? { stock } : {}), ...(weight ? { weight } : {}) }));
}

/**
 * A SKU's weight per unit in grams (按重量 shipping templates): empty is none (undefined), 0 weighs nothing, a
 * bare number is grams, "1.2kg" / "500g" carry their unit.
 */
export function parseSkuWeight(input: string): Parsed<number | undefined> {
  const text = input.trim();
  if (!text) return { ok: true, value: undefined };
  if (/^0+(\.0*)?\s*(g|克|kg|千克|公斤)?$/i.test(text)) return { ok: true, value: 0 };
  return parseWeight(text, 'g');
}

export interface ParsedSku {
  specs: Record<string, string>;
  skuId?: string;
  priceFen: number;
  stock: number;
  image?: string;
  weightGrams?: number;
}

/** Row errors by row index, then field. */
export type RowErrors = Record<number, FormErrors<'priceYuan' | 'stock' | 'weight'>>;

/** The rows as numbers (fen, units), or the errors to show next to each cell. */
export function parseRows(rows: readonly SkuRow[]): Parsed<ParsedSku[]> & { rowErrors?: RowErrors } {
  const rowErrors: RowErrors = {};
  const parsed: ParsedSku[] = [];
  rows.forEach((row, i) => {
    const price = parseYuan(row.priceYuan);
    const stock = parseStock(row.stock);
    const weight = parseSkuWeight(row.weight);
    if (!price.ok || !stock.ok || !weight.ok) {
      rowErrors[i] = {
        ...(price.ok ? {} : { priceYuan: price.error }),
        ...(stock.ok ? {} : { stock: stock.error }),
        ...(weight.ok ? {} : { weight: weight.error }),
      };
      return;
    }
    parsed.push({
      specs: row.specs,
      priceFen: price.value,
      stock: stock.value,
      ...(row.skuId ? { skuId: row.skuId } : {}),
      ...(row.image ? { image: row.image } : {}),
      ...(weight.value !== undefined ? { weightGrams: weight.value } : {}),
    });
  });
  if (rows.length === 0) return { ok: false, error: '请至少设置一个规格组合' };
  const first = Object.values(rowErrors)[0];
  if (first) return { ok: false, error: first.priceYuan ?? first.stock ?? first.weight ?? '请检查价格和库存', rowErrors };
  return { ok: true, value: parsed };
}

/** Moves one item of a list (the gallery's order): `from` to `to`, the others shifting. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}
