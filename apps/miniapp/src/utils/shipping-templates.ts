// The console's 运费模板 form, pure and unit-tested: a template as the owner edits it (yuan, 件, kg or g, provinces
// picked from the 34 provincial divisions, one 其他地区 rule) and the body the API takes (fen, grams), with the
// same checks the API's shippingTemplateProblem makes, said in Chinese before the request.
import { fenToYuan, type ShippingMode, type ShippingRule, type ShippingTemplate, type ShippingTemplateInput } from '@xiaodian/shared';
import { parseYuan } from './admin-forms';

/**
 * The 34 provincial divisions under the names WeChat's address picker gives (`provinceName`), which is what an
 * order's address carries and the fee rule matches on.
 */
export const PROVINCES = [
  '北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省', '浙江省', '安徽省',
  '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区', '海南省', '重庆市', '四川省', '贵州省',
  '云南省', '西藏自治区', '陕西省', '甘肃省', '青海省', '宁夏回族自治区', '新疆维吾尔自治区', '台湾省', '香港特别行政区', '澳门特别行政区',
] as const;

/** "内蒙古自治区" → "内蒙古", for chips and summaries (the full name is what is stored). */
export function shortProvince(name: string): string {
  return name.replace(/(维吾尔|壮族|回族)?自治区$|特别行政区$|省$|市$/, '') || name;
}

export const MODE_LABELS: Record<ShippingMode, string> = { FLAT: '统一运费', PIECE: '按件数', WEIGHT: '按重量' };

export type WeightUnit = 'kg' | 'g';

/** The largest weight a rule takes (1,000 kg): far above any parcel, low enough to catch a unit mistyped. */
export const MAX_RULE_GRAMS = 1_000_000;
const MAX_PIECES = 9999;

/** 1500 → "1.5kg", 500 → "500g": kilograms from 1 kg up, grams below. */
export function formatGrams(grams: number): string {
  if (grams >= 1000) return `${trimZeros((grams / 1000).toFixed(3))}kg`;
  return `${grams}g`;
}

const trimZeros = (text: string) => text.replace(/\.?0+$/, '');

/** A weight as typed in `unit` ("1.5" kg, "500" g), or with its own unit ("1.5kg", "500克", "2公斤"), in grams. */
export function parseWeight(input: string, unit: WeightUnit): { ok: true; value: number } | { ok: false; error: string } {
  const match = /^(\d+(?:\.\d+)?)\s*(kg|千克|公斤|g|克)?$/i.exec(input.trim());
  if (!match) return { ok: false, error: unit === 'kg' ? '请输入重量，如 1 或 0.5（千克）' : '请输入重量，如 500（克）' };
  const typed = match[2]?.toLowerCase();
  const inKg = typed ? ['kg', '千克', '公斤'].includes(typed) : unit === 'kg';
  const [whole, fraction = ''] = match[1]!.split('.');
  if (inKg ? fraction.length > 3 : fraction.length > 0) return { ok: false, error: inKg ? '千克最多三位小数（精确到克）' : '克须为整数' };
  const grams = inKg ? Number(whole) * 1000 + Number(fraction.padEnd(3, '0')) : Number(whole);
  if (grams < 1) return { ok: false, error: '重量至少 1 克' };
  if (grams > MAX_RULE_GRAMS) return { ok: false, error: '重量不能超过 1000 千克' };
  return { ok: true, value: grams };
}

/** A weight shown in the form's unit ("0.5" kg, "500" g). */
export function gramsIn(grams: number, unit: WeightUnit): string {
  return unit === 'kg' ? trimZeros((grams / 1000).toFixed(3)) : String(grams);
}

/** One rule as typed: 首件/首重 and its fee, 续件/续重 and its fee (empty: the rest ships free). */
export interface RuleDraft {
  provinces: string[];
  firstYuan: string;
  /** PIECE: pieces; WEIGHT: a weight in the form's unit. */
  first: string;
  nextYuan: string;
  next: string;
}

export interface TemplateDraft {
  name: string;
  mode: ShippingMode;
  isDefault: boolean;
  /** The unit weights are typed and shown in (WEIGHT). */
  weightUnit: WeightUnit;
  /** Rules for named provinces. */
  rules: RuleDraft[];
  /** 其他地区: every province no rule names and not undeliverable. */
  other: RuleDraft;
  /** Off: provinces no rule names are not delivered to. */
  otherDelivers: boolean;
  /** 满 ¥ 包邮, empty for never. */
  freeAboveYuan: string;
  undeliverable: string[];
}

export function emptyRule(provinces: string[] = []): RuleDraft {
  return { provinces, firstYuan: '', first: '1', nextYuan: '', next: '1' };
}

/** The form of a new template, or of a stored one (weights in kg unless some weight is not a whole 100 g). */
export function templateDraftOf(t?: ShippingTemplate): TemplateDraft {
  if (!t) {
    return { name: '', mode: 'FLAT', isDefault: false, weightUnit: 'kg', rules: [], other: emptyRule(), otherDelivers: true, freeAboveYuan: '', undeliverable: [] };
  }
  const weights = t.rules.flatMap((r) => [r.first, r.next]).filter((n): n is number => n !== undefined);
  const weightUnit: WeightUnit = t.mode === 'WEIGHT' && weights.some((g) => g % 100 !== 0) ? 'g' : 'kg';
  const amount = (n: number | undefined) => (n === undefined ? '1' : t.mode === 'WEIGHT' ? gramsIn(n, weightUnit) : String(n));
  const draftOfRule = (r: ShippingRule): RuleDraft => ({
    provinces: [...r.provinces],
    firstYuan: fenToYuan(r.firstFen),
    first: amount(r.first),
    nextYuan: r.nextFen !== undefined ? fenToYuan(r.nextFen) : '',
    next: amount(r.next),
  });
  const other = t.rules.find((r) => r.provinces.length === 0);
  return {
    name: t.name,
    mode: t.mode,
    isDefault: t.isDefault,
    weightUnit,
    rules: t.rules.filter((r) => r.provinces.length > 0).map(draftOfRule),
    other: other ? draftOfRule(other) : emptyRule(),
    otherDelivers: !!other,
    freeAboveYuan: t.freeAboveFen !== undefined ? fenToYuan(t.freeAboveFen) : '',
    undeliverable: [...t.undeliverable],
  };
}

/** Field errors: `name`, `freeAboveYuan`, `rules`, and `rule.<i|other>.<field>` for a rule's fields. */
export type TemplateErrors = Record<string, string>;

export type TemplateBody = Omit<ShippingTemplateInput, 'isDefault'> & { isDefault?: boolean };

/** The provinces a rule (or the undeliverable list) may still take: none another rule or the list has. */
export function takenElsewhere(draft: TemplateDraft, except: number | 'undeliverable'): Set<string> {
  const taken = new Set<string>();
  draft.rules.forEach((r, i) => i !== except && r.provinces.forEach((p) => taken.add(p)));
  if (except !== 'undeliverable') draft.undeliverable.forEach((p) => taken.add(p));
  return taken;
}

/** 首件/续件 (whole pieces) or 首重/续重 (a weight in the form's unit), by the template's mode. */
function parseMeasure(draft: TemplateDraft, text: string): { ok: true; value: number } | { ok: false; error: string } {
  if (draft.mode === 'WEIGHT') return parseWeight(text, draft.weightUnit);
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > MAX_PIECES) return { ok: false, error: `件数须为 1–${MAX_PIECES} 的整数` };
  return { ok: true, value: n };
}

function ruleOf(draft: TemplateDraft, rule: RuleDraft, key: string, errors: TemplateErrors): ShippingRule | undefined {
  const before = Object.keys(errors).length;
  const firstFen = parseYuan(rule.firstYuan, { allowZero: true });
  if (!firstFen.ok) errors[`${key}.firstYuan`] = firstFen.error;
  const out: ShippingRule = { provinces: [...rule.provinces], firstFen: firstFen.ok ? firstFen.value : 0 };
  if (draft.mode !== 'FLAT') {
    const measure = (text: string) => parseMeasure(draft, text);
    const first = measure(rule.first);
    if (first.ok) out.first = first.value;
    else errors[`${key}.first`] = first.error;
    if (rule.nextYuan.trim()) {
      const nextFen = parseYuan(rule.nextYuan, { allowZero: true });
      const next = measure(rule.next);
      if (nextFen.ok) out.nextFen = nextFen.value;
      else errors[`${key}.nextYuan`] = nextFen.error;
      if (next.ok) out.next = next.value;
      else errors[`${key}.next`] = next.error;
    }
  }
  return Object.keys(errors).length === before ? out : undefined;
}

/** The request body, or what is wrong field by field (the first error also as `error`). */
export function templateBodyOf(draft: TemplateDraft): { ok: true; value: TemplateBody } | { ok: false; error: string; errors: TemplateErrors } {
  const errors: TemplateErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = '请输入模板名称';
  else if (name.length > 40) errors.name = '名称最多 40 个字';
  const rules: ShippingRule[] = [];
  draft.rules.forEach((r, i) => {
    if (r.provinces.length === 0) errors[`rule.${i}.provinces`] = '请选择这条规则的地区';
    const rule = ruleOf(draft, r, `rule.${i}`, errors);
    if (rule) rules.push(rule);
  });
  if (draft.otherDelivers) {
    const rule = ruleOf(draft, { ...draft.other, provinces: [] }, 'rule.other', errors);
    if (rule) rules.push(rule);
  } else if (draft.rules.length === 0) {
    errors.rules = '请至少设置一条配送规则';
  }
  const seen = new Set<string>();
  for (const p of draft.rules.flatMap((r) => r.provinces)) {
    if (seen.has(p)) errors.rules ??= `${shortProvince(p)} 出现在两条规则里`;
    if (draft.undeliverable.includes(p)) errors.rules ??= `${shortProvince(p)} 不能既配送又不配送`;
    seen.add(p);
  }
  let freeAboveFen: number | undefined;
  if (draft.freeAboveYuan.trim()) {
    const free = parseYuan(draft.freeAboveYuan);
    if (free.ok) freeAboveFen = free.value;
    else errors.freeAboveYuan = free.error;
  }
  const first = Object.values(errors)[0];
  if (first) return { ok: false, error: first, errors };
  return {
    ok: true,
    value: { name, mode: draft.mode, rules, undeliverable: [...draft.undeliverable], ...(freeAboveFen !== undefined ? { freeAboveFen } : {}) },
  };
}

/** How a rule reads in the list: "首件 1 件 ¥10.00，续件每 1 件 ¥5.00". */
export function ruleText(mode: ShippingMode, r: ShippingRule): string {
  const fee = `¥${fenToYuan(r.firstFen)}`;
  if (mode === 'FLAT') return r.firstFen === 0 ? '包邮' : fee;
  const amount = (n: number | undefined) => (mode === 'WEIGHT' ? formatGrams(n ?? 1) : `${n ?? 1} 件`);
  const head = mode === 'WEIGHT' ? `首重 ${amount(r.first)} ${fee}` : `首件 ${amount(r.first)} ${fee}`;
  if (r.nextFen === undefined) return head;
  return `${head}，${mode === 'WEIGHT' ? '续重' : '续件'}每 ${amount(r.next)} ¥${fenToYuan(r.nextFen)}`;
}

/** A template's lines in the list: each rule with its provinces, 包邮, 不配送. */
export function templateLines(t: ShippingTemplate): string[] {
  const regions = (ps: string[]) => (ps.length > 4 ? `${ps.slice(0, 4).map(shortProvince).join('、')} 等 ${ps.length} 地` : ps.map(shortProvince).join('、'));
  const named = t.rules.filter((r) => r.provinces.length > 0).map((r) => `${regions(r.provinces)}：${ruleText(t.mode, r)}`);
  const other = t.rules.find((r) => r.provinces.length === 0);
  return [
    ...named,
    other ? `${named.length ? '其他地区' : '全国'}：${ruleText(t.mode, other)}` : '其他地区：不配送',
    ...(t.freeAboveFen !== undefined ? [`满 ¥${fenToYuan(t.freeAboveFen)} 包邮`] : []),
    ...(t.undeliverable.length ? [`不配送：${regions(t.undeliverable)}`] : []),
  ];
}
