// The console's 运费模板: the list (the default marked), create and edit through the form of
// utils/shipping-templates.ts, make one the default or leave the store without one, delete — a template products still use is refused by the API
// (409 SHIPPING_TEMPLATE_IN_USE), shown in Chinese. After each change the list is read again, since making one
// the default unmarks another.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ShippingTemplate } from '@xiaodian/shared';
import { createShippingTemplate, deleteShippingTemplate, listShippingTemplates, updateShippingTemplate } from '@/api/admin-shipping-templates';
import { errorMessage } from '@/composables/useLoad';
import { templateBodyOf, templateDraftOf, type RuleDraft, type TemplateDraft, type TemplateErrors } from '@/utils/shipping-templates';

export type TemplateResult = { ok: true; template?: ShippingTemplate } | { ok: false; error: string; errors?: TemplateErrors };

export const useAdminShippingTemplatesStore = defineStore('admin-shipping-templates', () => {
  /** Every template, oldest first, as last read. */
  const items = ref<ShippingTemplate[]>([]);
  /** The form open on the page (a new template, or `editingId`'s), or none. */
  const draft = ref<TemplateDraft | undefined>();
  /** The template the form edits (undefined: a new one). */
  const editingId = ref<string | undefined>();
  /** The form's field errors from the last save. */
  const errors = ref<TemplateErrors>({});

  /** Opens the form on a stored template, or on a new one. */
  function edit(id?: string): void {
    const stored = id ? items.value.find((t) => t.id === id) : undefined;
    editingId.value = stored?.id;
    draft.value = templateDraftOf(stored);
    errors.value = {};
  }

  function closeForm(): void {
    draft.value = undefined;
    editingId.value = undefined;
    errors.value = {};
  }

  /** A rule of the open form: one of the named rules by index, or 其他地区. */
  function ruleAt(index: number | 'other'): RuleDraft | undefined {
    return index === 'other' ? draft.value?.other : draft.value?.rules[index];
  }

  /**
   * Saves the open form; on failure `errors` says why field by field. The form stays open either way: its
   * component closes it after telling the page (a component removed first can no longer emit).
   */
  async function saveForm(): Promise<TemplateResult> {
    if (!draft.value) return { ok: false, error: '没有打开的模板' };
    const result = await save(editingId.value, draft.value);
    if (!result.ok) errors.value = result.errors ?? {};
    return result;
  }

  /** `GET /api/admin/shipping-templates`; rejects with the API's error (the page shows it). */
  async function load(): Promise<ShippingTemplate[]> {
    items.value = await listShippingTemplates();
    return items.value;
  }

  async function act(run: () => Promise<ShippingTemplate | undefined>): Promise<TemplateResult> {
    try {
      const template = await run();
      await load().catch(() => undefined);
      return { ok: true, ...(template ? { template } : {}) };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }

  /** Creates a template (`id` absent) or replaces the stored one with the form. */
  async function save(id: string | undefined, draft: TemplateDraft): Promise<TemplateResult> {
    const body = templateBodyOf(draft);
    if (!body.ok) return body;
    if (!id) return act(() => createShippingTemplate({ ...body.value, isDefault: draft.isDefault }));
    // The API's PATCH keeps a field left out, so a cleared 满额包邮 is sent as null (removed).
    const cleared = body.value.freeAboveFen === undefined && items.value.find((t) => t.id === id)?.freeAboveFen !== undefined;
    return act(() => updateShippingTemplate(id, cleared ? { ...body.value, freeAboveFen: null } : body.value));
  }

  /** Makes a template the store's default (products without their own template ship under it). */
  function setDefault(id: string): Promise<TemplateResult> {
    return act(() => updateShippingTemplate(id, { isDefault: true }));
  }

  /**
   * Leaves the store without a default (products without their own template then ship free). The API clears it
   * only if it is still this template, so a default another admin just set stays; the list read after shows which.
   */
  function unsetDefault(id: string): Promise<TemplateResult> {
    return act(() => updateShippingTemplate(id, { isDefault: false }));
  }

  async function remove(id: string): Promise<TemplateResult> {
    return act(async () => {
      await deleteShippingTemplate(id);
      return undefined;
    });
  }

  return { items, draft, editingId, errors, edit, closeForm, ruleAt, saveForm, load, save, setDefault, unsetDefault, remove };
});
