// The spec picker's logic, pure so that it is tested without a page: which values can be chosen, which SKU a
// choice names, and what price, stock and image the sheet shows while the shopper chooses.
import type { Product, Sku, SkuSpecs, SpecDimension } from '@xiaodian/shared';
import { formatPrice } from './money';

/** What the shopper has chosen so far: spec name → value; a name not chosen yet is absent. */
export type Choice = Readonly<Record<string, string>>;

/** The parts of a product the picker reads. */
export type Pickable = Pick<Product, 'specs' | 'skus' | 'priceFen' | 'stock'> & { imageUrl?: string; maxPerOrder?: number };

/** How a value shows in the sheet: chosen, open to choose, or shown but not choosable (only sold-out SKUs behind it). */
export type ValueState = 'selected' | 'available' | 'disabled';

function matches(sku: Sku, choice: Choice): boolean {
  return Object.entries(choice).every(([name, value]) => sku.specs[name] === value);
}

/** The choice without `name`. */
function without(choice: Choice, name: string): Record<string, string> {
  const rest: Record<string, string> = { ...choice };
  delete rest[name];
  return rest;
}

/** The SKUs a (partial) choice still allows. */
export function skusMatching(product: Pickable, choice: Choice): Sku[] {
  return product.skus.filter((s) => matches(s, choice));
}

/**
 * A value can be chosen when, together with the other values already chosen, it leads to at least one SKU in
 * stock. So a sold-out SKU's last missing value is shown but cannot be chosen, and so is a value whose every
 * SKU is sold out.
 */
export function valueState(product: Pickable, choice: Choice, name: string, value: string): ValueState {
  if (choice[name] === value) return 'selected';
  const wanted = { ...without(choice, name), [name]: value };
  return product.skus.some((s) => s.stock > 0 && matches(s, wanted)) ? 'available' : 'disabled';
}

/** Tapping a value: chooses it when it can be chosen, unchooses it when it was chosen, else changes nothing. */
export function choose(product: Pickable, choice: Choice, name: string, value: string): Choice {
  const state = valueState(product, choice, name, value);
  if (state === 'selected') return without(choice, name);
  if (state === 'disabled') return choice;
  return { ...choice, [name]: value };
}

/** The dimensions still to choose, in the product's order ("请选择 尺寸"). */
export function missingSpecs(product: Pickable, choice: Choice): string[] {
  return product.specs.filter((d) => choice[d.name] === undefined).map((d) => d.name);
}

/** The SKU a complete choice names; a product without specs names its one SKU with the empty choice. */
export function chosenSku(product: Pickable, choice: Choice): Sku | undefined {
  if (missingSpecs(product, choice).length > 0) return undefined;
  return product.skus.find((s) => product.specs.every((d) => s.specs[d.name] === choice[d.name]));
}

/**
 * Where the sheet starts: a dimension with a single value that can be chosen is chosen already (nobody should
 * have to tap 均码), and a product whose SKUs leave only one in stock starts on it.
 */
export function initialChoice(product: Pickable): Choice {
  const inStock = product.skus.filter((s) => s.stock > 0);
  if (inStock.length === 1 && product.specs.length > 0) {
    return Object.fromEntries(product.specs.map((d) => [d.name, inStock[0]!.specs[d.name]!]));
  }
  let choice: Choice = {};
  for (const d of product.specs) {
    if (d.values.length === 1 && valueState(product, choice, d.name, d.values[0]!) === 'available') {
      choice = { ...choice, [d.name]: d.values[0]! };
    }
  }
  return choice;
}

/** What the sheet's head shows for a choice: the price (or the range still open), the stock, the image. */
export interface ChoiceView {
  sku?: Sku;
  /** Lowest and highest price among the SKUs the choice still allows. */
  minFen: number;
  maxFen: number;
  /** Units in stock among them (the chosen SKU's when the choice is complete). */
  stock: number;
  /** The chosen SKU's image; else one image all allowed SKUs share; else the product's. */
  imageUrl?: string;
}

export function choiceView(product: Pickable, choice: Choice): ChoiceView {
  const sku = chosenSku(product, choice);
  const allowed = sku ? [sku] : skusMatching(product, choice);
  const prices = allowed.map((s) => s.priceFen);
  const images = new Set(allowed.map((s) => s.imageUrl));
  const shared = images.size === 1 ? [...images][0] : undefined;
  const imageUrl = shared ?? product.imageUrl;
  return {
    ...(sku ? { sku } : {}),
    minFen: prices.length > 0 ? Math.min(...prices) : product.priceFen,
    maxFen: prices.length > 0 ? Math.max(...prices) : product.priceFen,
    stock: allowed.reduce((n, s) => n + s.stock, 0),
    ...(imageUrl ? { imageUrl } : {}),
  };
}

/** "¥39" or "¥39 - ¥59" for a choice still open between prices. */
export function priceRangeText(view: Pick<ChoiceView, 'minFen' | 'maxFen'>): string {
  return view.minFen === view.maxFen ? formatPrice(view.minFen) : `${formatPrice(view.minFen)} - ${formatPrice(view.maxFen)}`;
}

/** The list price: the lowest SKU price, with 起 when the SKUs' prices differ ("¥39 起"). */
export function listPriceText(product: Pick<Product, 'priceFen' | 'skus'>): string {
  const prices = new Set(product.skus.map((s) => s.priceFen));
  return prices.size > 1 ? `${formatPrice(product.priceFen)} 起` : formatPrice(product.priceFen);
}

/**
 * A SKU's values as shoppers read them, in the dimensions' order when they are known ("红色 / L"); the order
 * item's snapshot has no dimensions, and keeps the order the API wrote them in. Empty without specs.
 */
export function specsText(specs: SkuSpecs | undefined, dimensions?: readonly SpecDimension[]): string {
  if (!specs) return '';
  const values = dimensions ? dimensions.map((d) => specs[d.name]).filter((v): v is string => v !== undefined) : Object.values(specs);
  return values.join(' / ');
}

/** Whether the product is sold through the picker (more than one SKU to choose from). */
export function needsPicker(product: Pick<Product, 'skus'>): boolean {
  return product.skus.length > 1;
}
