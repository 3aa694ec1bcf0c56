// The console's store-info editor (owner only): the name, service phone and after-sale policy shoppers read on
// the store-info page. The form is checked here with the API's own limits, so the owner reads why in Chinese
// before anything is sent; the API checks again.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { AFTER_SALE_POLICY_MAX, hasControlCharacters, SERVICE_PHONE_MAX, STORE_NAME_MAX, type StoreInfo, type StoreInfoPatchInput } from '@xiaodian/shared';
import { updateStoreInfo } from '@/api/admin-store-info';
import { getStoreInfo } from '@/api/store';
import { errorMessage } from '@/composables/useLoad';
import type { FormErrors } from '@/utils/admin-forms';

export interface StoreInfoForm {
  name: string;
  servicePhone: string;
  afterSalePolicy: string;
}

export type StoreInfoResult = { ok: true; info: StoreInfo } | { ok: false; error: string; errors?: FormErrors<keyof StoreInfoForm> };

/** The form as the API takes it, or each field's problem in Chinese. */
export function storeInfoInputOf(form: StoreInfoForm): { ok: true; value: StoreInfoPatchInput } | { ok: false; errors: FormErrors<keyof StoreInfoForm> } {
  const errors: FormErrors<keyof StoreInfoForm> = {};
  const name = form.name.trim();
  const servicePhone = form.servicePhone.trim();
  const afterSalePolicy = form.afterSalePolicy.trim();
  if (!name) errors.name = '请填写店铺名称';
  else if (name.length > STORE_NAME_MAX) errors.name = `店铺名称最多 ${STORE_NAME_MAX} 个字`;
  else if (hasControlCharacters(name)) errors.name = '店铺名称含有不可见字符';
  if (servicePhone && !(/^[0-9-]+$/.test(servicePhone) && /[0-9]/.test(servicePhone))) errors.servicePhone = '客服电话只能包含数字和 -';
  else if (servicePhone.length > SERVICE_PHONE_MAX) errors.servicePhone = `客服电话最多 ${SERVICE_PHONE_MAX} 位`;
  if (afterSalePolicy.length > AFTER_SALE_POLICY_MAX) errors.afterSalePolicy = `售后政策最多 ${AFTER_SALE_POLICY_MAX} 字（现在 ${afterSalePolicy.length} 字）`;
  else if (hasControlCharacters(afterSalePolicy, { multiline: true })) errors.afterSalePolicy = '售后政策含有不可见字符';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // An empty phone is sent as '' : the API then removes it.
  return { ok: true, value: { name, servicePhone, afterSalePolicy } };
}

export const useAdminStoreInfoStore = defineStore('admin-store-info', () => {
  /** The store info as `GET /api/store` (or the last save) answered it: what shoppers read now. */
  const info = ref<StoreInfo | undefined>();

  /** `GET /api/store`; rejects with the API's error. */
  async function load(): Promise<StoreInfo> {
    info.value = await getStoreInfo(false);
    return info.value;
  }

  /** Checks the form, then `PATCH /api/admin/store` with all three fields. */
  async function save(form: StoreInfoForm): Promise<StoreInfoResult> {
    const parsed = storeInfoInputOf(form);
    if (!parsed.ok) return { ok: false, error: Object.values(parsed.errors)[0] ?? '请检查表单', errors: parsed.errors };
    try {
      info.value = await updateStoreInfo(parsed.value);
      return { ok: true, info: info.value };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }

  return { info, load, save };
});
