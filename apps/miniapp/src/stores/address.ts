import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Address } from '@xiaodian/shared';
import { readJson, writeJson, STORAGE_KEYS } from '@/utils/storage';

const FIELDS = ['name', 'phone', 'province', 'city', 'district', 'detail'] as const;

function isAddress(value: unknown): value is Address {
  if (!value || typeof value !== 'object') return false;
  return FIELDS.every((f) => typeof (value as Record<string, unknown>)[f] === 'string');
}

/** The delivery address last used, offered again at the next checkout. */
export const useAddressStore = defineStore('address', () => {
  const saved = readJson<unknown>(STORAGE_KEYS.address);
  /** The last address the shopper ordered to (from WeChat's address book or the H5 form). */
  const last = ref<Address | undefined>(isAddress(saved) ? saved : undefined);

  function remember(address: Address): void {
    last.value = { ...address };
    writeJson(STORAGE_KEYS.address, address);
  }

  return { last, remember };
});
