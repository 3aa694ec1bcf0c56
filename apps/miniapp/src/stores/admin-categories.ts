// The console's categories: the list in the shop's order (sort, then name), create, rename, move up or down, and
// delete — a category that still has products is refused by the API (409 CATEGORY_NOT_EMPTY), shown in Chinese.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { CATALOG_LIMITS, type Category } from '@xiaodian/shared';
import { createCategory, deleteCategory, listCategories, updateCategory } from '@/api/admin';
import { errorMessage } from '@/composables/useLoad';

export type CategoryResult = { ok: true; category?: Category } | { ok: false; error: string };

/** The API's limit on a category name. */
export const CATEGORY_NAME_MAX = CATALOG_LIMITS.categoryNameMax;

function nameProblem(name: string): string | undefined {
  if (!name) return '请输入分类名称';
  if (name.length > CATEGORY_NAME_MAX) return `分类名称最多 ${CATEGORY_NAME_MAX} 个字`;
  return undefined;
}

function inShopOrder(list: Category[]): Category[] {
  return [...list].sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name, 'zh-CN'));
}

export const useAdminCategoriesStore = defineStore('admin-categories', () => {
  /** Every category, in the order the shop shows them. */
  const items = ref<Category[]>([]);

  /** `GET /api/categories`; rejects with the API's error (the page shows it). */
  async function load(): Promise<Category[]> {
    items.value = inShopOrder(await listCategories());
    return items.value;
  }

  /** A new category, placed after the last one. */
  async function create(input: string): Promise<CategoryResult> {
    const name = input.trim();
    const problem = nameProblem(name);
    if (problem) return { ok: false, error: problem };
    if (items.value.some((c) => c.name === name)) return { ok: false, error: `已经有「${name}」了` };
    const sort = items.value.reduce((max, c) => Math.max(max, c.sort), 0) + 10;
    try {
      const category = await createCategory({ name, sort });
      items.value = inShopOrder([...items.value, category]);
      return { ok: true, category };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }

  async function rename(id: string, input: string): Promise<CategoryResult> {
    const name = input.trim();
    const problem = nameProblem(name);
    if (problem) return { ok: false, error: problem };
    const before = items.value.find((c) => c.id === id);
    if (!before) return { ok: false, error: '分类不存在，请刷新' };
    if (before.name === name) return { ok: true, category: before };
    try {
      const category = await updateCategory(id, { name });
      items.value = inShopOrder(items.value.map((c) => (c.id === id ? category : c)));
      return { ok: true, category };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }

  /**
   * Moves a category one place up (-1) or down (+1). Sorts may tie or be sparse, so the whole order is
   * renumbered 10, 20, 30 … and only the categories whose number changes are written; the list is then read
   * again, so a failure half-way shows what the shop really has.
   */
  async function move(id: string, step: -1 | 1): Promise<CategoryResult> {
    const list = [...items.value];
    const from = list.findIndex((c) => c.id === id);
    const to = from + step;
    if (from < 0 || to < 0 || to >= list.length) return { ok: true };
    [list[from], list[to]] = [list[to]!, list[from]!];
    const renumbered = list.map((c, i) => ({ ...c, sort: (i + 1) * 10 }));
    const changed = renumbered.filter((c, i) => c.sort !== list[i]!.sort);
    items.value = renumbered;
    try {
      for (const c of changed) await updateCategory(c.id, { sort: c.sort });
      return { ok: true };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    } finally {
      await load().catch(() => undefined);
    }
  }

  /** Deletes an empty category; one with products stays, with the API's refusal in Chinese. */
  async function remove(id: string): Promise<CategoryResult> {
    try {
      await deleteCategory(id);
      items.value = items.value.filter((c) => c.id !== id);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }

  /** The name of a category id (the product list's column), or ''. */
  function nameOf(id: string | undefined): string {
    return (id && items.value.find((c) => c.id === id)?.name) || '';
  }

  return { items, load, create, rename, move, remove, nameOf };
});
