// The console's product editor: one product's draft (name, description, category, gallery, specs and the SKU
// matrix generated from them, price and stock per SKU), saved as one create, or as the edits of an existing
// product: its fields in one PATCH, then each SKU that changed (a stock change with the reason, audited).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { fenToYuan, type CreateProductInput, type Product, type SkuInput, type UpdateProductInput } from '@xiaodian/shared';
import {
  createProduct,
  getAdminProduct,
  updateProduct,
  updateSku,
  uploadAdminImage,
} from '@/api/admin';
import { errorMessage } from '@/composables/useLoad';
import { parseMaxPerOrder, type FormErrors } from '@/utils/admin-forms';
import { formatGrams } from '@/utils/shipping-templates';
import { bulkFill, matrixOf, moveItem, MAX_IMAGES, parseRows, specsProblem, usableSpecs, type RowErrors, type SkuRow, type SpecDraft } from '@/utils/sku-matrix';
import { useAdminProductsStore } from './admin-products';

export interface ProductDraft {
  name: string;
  description: string;
  /** '' for none. */
  categoryId: string;
  /** The gallery in order: urls the upload answered (`/api/images/<id>`); the first is the cover. */
  images: string[];
  specs: SpecDraft[];
  rows: SkuRow[];
  onShelf: boolean;
  maxPerOrder: string;
  /** Why stock changed (required when an existing product's stock changes; written to the audit log). */
  stockReason: string;
  /** 运费模板: a template's id, '' for the store's default. */
  shippingTemplateId: string;
}

export type DraftField = 'name' | 'description' | 'maxPerOrder' | 'specs' | 'stockReason' | 'images';

export type EditorResult =
  | { ok: true; product: Product }
  | { ok: false; error: string; errors?: FormErrors<DraftField>; rowErrors?: RowErrors };

/** The image id in a url the API serves (`/api/images/<id>`, `/api/images/<id>/medium`), or the text itself (an id). */
export function imageIdOf(ref: string): string {
  return /\/api\/images\/([^/?#]+)/.exec(ref)?.[1] ?? ref;
}

/** What is on hand of a SKU (available + reserved): what a stock edit sets. */
function onHandOf(sku: { stock: number; reservedStock?: number; onHandStock?: number }): number {
  return sku.onHandStock ?? sku.stock + (sku.reservedStock ?? 0);
}

/** The draft of a new product, or of an existing one as the API answered it. */
export function draftOf(p?: Product): ProductDraft {
  const skus = p?.skus ?? [];
  const rows: SkuRow[] = skus.length
    ? skus.map((s) => ({
        specs: s.specs,
        skuId: s.id,
        priceYuan: fenToYuan(s.priceFen),
        stock: String(onHandOf(s)),
        ...(s.imageUrl ? { image: s.imageUrl } : {}),
        weight: weightText(s.weightGrams),
      }))
    : [{ specs: {}, priceYuan: p ? fenToYuan(p.priceFen) : '', stock: p ? String(onHandOf(p)) : '0', weight: '' }];
  return {
    name: p?.name ?? '',
    description: p?.description ?? '',
    categoryId: p?.categoryId ?? '',
    // Only uploaded images: a product from before uploads may still show an outside imageUrl, never sent back.
    images: p?.images ?? [],
    specs: (p?.specs ?? []).map((s) => ({ name: s.name, values: [...s.values] })),
    rows,
    onShelf: p?.onShelf ?? true,
    maxPerOrder: p?.maxPerOrder !== undefined ? String(p.maxPerOrder) : '',
    stockReason: '',
    shippingTemplateId: p?.shippingTemplateId ?? '',
  };
}

/** A stored weight as the cell shows it ("500g", "1.2kg"), '' for none. */
function weightText(grams: number | undefined): string {
  return grams === undefined ? '' : formatGrams(grams);
}

const sameSpecs = (a: SpecDraft[], b: SpecDraft[]) => JSON.stringify(usableSpecs(a)) === JSON.stringify(usableSpecs(b));

export const useAdminProductEditorStore = defineStore('admin-product-editor', () => {
  /** The product being edited as last read or saved (undefined: a new one). */
  const original = ref<Product | undefined>();
  const draft = ref<ProductDraft>(draftOf());
  /** Uploads under way (the gallery shows a placeholder each). */
  const uploading = ref(0);

  /** Starts a new product, or reads the one with this id (rejects when it is gone: the page shows it). */
  async function open(id?: string): Promise<void> {
    original.value = undefined;
    draft.value = draftOf();
    if (!id) return;
    const found = await getAdminProduct(id);
    if (!found) throw new Error('商品不存在或已被删除');
    original.value = found;
    draft.value = draftOf(found);
  }

  /** Replaces the specs; the matrix follows, keeping the rows of combinations that still exist. */
  function setSpecs(specs: SpecDraft[]): void {
    draft.value.specs = specs;
    draft.value.rows = matrixOf(specs, draft.value.rows);
  }

  /** 批量设置: price, stock and/or weight into every row. */
  function fill(values: { priceYuan?: string; stock?: string; weight?: string }): void {
    draft.value.rows = bulkFill(draft.value.rows, values);
  }

  /** Uploads the chosen files one by one into the gallery (at most 9); the first refusal is returned in Chinese. */
  async function upload(filePaths: string[]): Promise<{ ok: boolean; error?: string }> {
    const room = MAX_IMAGES - draft.value.images.length;
    if (room <= 0) return { ok: false, error: `最多 ${MAX_IMAGES} 张图片` };
    let error: string | undefined;
    for (const path of filePaths.slice(0, room)) {
      uploading.value++;
      try {
        const image = await uploadAdminImage(path);
        draft.value.images = [...draft.value.images, image.url];
      } catch (err) {
        error ??= errorMessage(err);
      } finally {
        uploading.value--;
      }
    }
    if (!error && filePaths.length > room) error = `最多 ${MAX_IMAGES} 张图片，多出的没有上传`;
    return error ? { ok: false, error } : { ok: true };
  }

  function moveImage(from: number, to: number): void {
    draft.value.images = moveItem(draft.value.images, from, to);
  }

  /** Removes a gallery image (and from the SKUs that showed it). */
  function removeImage(index: number): void {
    const gone = draft.value.images[index];
    draft.value.images = draft.value.images.filter((_, i) => i !== index);
    if (gone) draft.value.rows = draft.value.rows.map((r) => (r.image && imageIdOf(r.image) === imageIdOf(gone) ? { ...r, image: undefined } : r));
  }

  function check(): { errors: FormErrors<DraftField>; maxPerOrder?: number } {
    const d = draft.value;
    const errors: FormErrors<DraftField> = {};
    const name = d.name.trim();
    if (!name) errors.name = '请输入商品名称';
    else if (name.length > 100) errors.name = '名称最多 100 个字';
    if (d.description.length > 2000) errors.description = '描述最多 2000 个字';
    const limit = parseMaxPerOrder(d.maxPerOrder);
    if (!limit.ok) errors.maxPerOrder = limit.error;
    const specs = specsProblem(d.specs);
    if (specs) errors.specs = specs;
    if (d.images.length > MAX_IMAGES) errors.images = `最多 ${MAX_IMAGES} 张图片`;
    return { errors, ...(limit.ok && limit.value !== undefined ? { maxPerOrder: limit.value } : {}) };
  }

  async function save(): Promise<EditorResult> {
    const d = draft.value;
    const { errors, maxPerOrder } = check();
    const rows = parseRows(d.rows);
    if (Object.keys(errors).length > 0 || !rows.ok) {
      const error = Object.values(errors)[0] ?? (rows.ok ? '请检查输入' : rows.error);
      return { ok: false, error, errors, ...(!rows.ok && rows.rowErrors ? { rowErrors: rows.rowErrors } : {}) };
    }
    const specs = usableSpecs(d.specs);
    const skus = rows.value.map((r) => ({
      specs: r.specs,
      priceFen: r.priceFen,
      stock: r.stock,
      ...(r.image ? { image: imageIdOf(r.image) } : {}),
      ...(r.weightGrams !== undefined ? { weightGrams: r.weightGrams } : {}),
    }));
    const images = d.images.map(imageIdOf);
    try {
      const before = original.value;
      const saved: EditorResult = before
        ? await saveEdits(before, { specs, skus, images, maxPerOrder })
        : { ok: true, product: await createProduct(newProductInput(specs, skus, images, maxPerOrder)) };
      if (!saved.ok) return saved;
      original.value = saved.product;
      draft.value = draftOf(saved.product);
      useAdminProductsStore().put(saved.product);
      return saved;
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }

  /** A product without specs: its one SKU's figures at the top level. */
  function oneSku(sku: SkuInput): Pick<CreateProductInput, 'priceFen' | 'stock' | 'weightGrams'> {
    return { priceFen: sku.priceFen, stock: sku.stock, ...(sku.weightGrams !== undefined ? { weightGrams: sku.weightGrams } : {}) };
  }

  function newProductInput(specs: SpecDraft[], skus: SkuInput[], images: string[], maxPerOrder?: number): CreateProductInput {
    const d = draft.value;
    return {
      name: d.name.trim(),
      description: d.description,
      onShelf: d.onShelf,
      ...(d.categoryId ? { categoryId: d.categoryId } : {}),
      ...(images.length ? { images } : {}),
      ...(specs.length ? { specs, skus } : oneSku(skus[0]!)),
      ...(maxPerOrder !== undefined ? { maxPerOrder } : {}),
      ...(d.shippingTemplateId ? { shippingTemplateId: d.shippingTemplateId } : {}),
    };
  }

  /** An existing product: its own fields in one PATCH, then each SKU that changed; the last answer is the product. */
  async function saveEdits(
    before: Product,
    next: { specs: SpecDraft[]; skus: SkuInput[]; images: string[]; maxPerOrder?: number },
  ): Promise<EditorResult> {
    const d = draft.value;
    const beforeDraft = draftOf(before);
    const matrixChanged = !sameSpecs(d.specs, beforeDraft.specs);
    const skuEdits = matrixChanged ? [] : skuChanges(before, next.skus);
    const reason = d.stockReason.trim();
    const stockChanged = matrixChanged ? next.skus.some((s, i) => String(s.stock) !== beforeDraft.rows[i]?.stock) : skuEdits.some((e) => e.input.stock !== undefined);
    if (stockChanged && !reason) return { ok: false, error: '库存有变化，请填写调整原因（写入操作记录）', errors: { stockReason: '请填写库存调整原因' } };

    const patch: UpdateProductInput = {};
    if (d.name.trim() !== before.name) patch.name = d.name.trim();
    if (d.description !== before.description) patch.description = d.description;
    if (d.categoryId !== (before.categoryId ?? '')) patch.categoryId = d.categoryId || null;
    if (next.images.join() !== (before.images ?? []).map(imageIdOf).join()) patch.images = next.images;
    if (d.onShelf !== (before.onShelf ?? true)) patch.onShelf = d.onShelf;
    if (next.maxPerOrder !== before.maxPerOrder) patch.maxPerOrder = next.maxPerOrder ?? null;
    if (d.shippingTemplateId !== (before.shippingTemplateId ?? '')) patch.shippingTemplateId = d.shippingTemplateId || null;
    if (matrixChanged) Object.assign(patch, { specs: next.specs, skus: next.skus, ...(stockChanged ? { stockReason: reason } : {}) });
    if (Object.keys(patch).length === 0 && skuEdits.length === 0) return { ok: false, error: '没有修改' };

    let product = before;
    if (Object.keys(patch).length > 0) product = await updateProduct(before.id, patch);
    for (const edit of skuEdits) {
      product = await updateSku(before.id, edit.skuId, { ...edit.input, ...(edit.input.stock !== undefined ? { stockReason: reason } : {}) });
    }
    return { ok: true, product };
  }

  /** Per SKU, what changed: price, on-hand stock, its own image, its weight (cleared: 0, weighing nothing). */
  function skuChanges(before: Product, skus: SkuInput[]) {
    type SkuEdit = { priceFen?: number; stock?: number; image?: string | null; weightGrams?: number };
    const edits: { skuId: string; input: SkuEdit }[] = [];
    draft.value.rows.forEach((row, i) => {
      const old = before.skus?.find((s) => s.id === row.skuId);
      const next = skus[i];
      if (!old || !next) return;
      const input: SkuEdit = {};
      if (next.priceFen !== old.priceFen) input.priceFen = next.priceFen;
      if (next.stock !== onHandOf(old)) input.stock = next.stock;
      const oldImage = old.imageUrl ? imageIdOf(old.imageUrl) : undefined;
      if (next.image !== oldImage) input.image = next.image ?? null;
      if ((next.weightGrams ?? 0) !== (old.weightGrams ?? 0)) input.weightGrams = next.weightGrams ?? 0;
      if (Object.keys(input).length > 0) edits.push({ skuId: old.id, input });
    });
    return edits;
  }

  return { original, draft, uploading, open, setSpecs, fill, upload, moveImage, removeImage, save };
});
