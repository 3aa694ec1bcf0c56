// The admin console's accounts (owner only): the list, and new staff accounts.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AdminAccount } from '@xiaodian/shared';
import { createStaff, listStaff } from '@/api/admin';
import { errorMessage } from '@/composables/useLoad';
import { staffInputOf, type FormErrors } from '@/utils/admin-forms';

export type StaffResult = { ok: true; account: AdminAccount } | { ok: false; error: string; errors?: FormErrors<'username' | 'password'> };

export const useAdminStaffStore = defineStore('admin-staff', () => {
  /** Every account, owners and staff, as `GET /api/admin/staff` last listed them. */
  const accounts = ref<AdminAccount[]>([]);

  /** `GET /api/admin/staff`; rejects with the API's error (403 for anyone but the owner). */
  async function load(): Promise<AdminAccount[]> {
    accounts.value = await listStaff();
    return accounts.value;
  }

  /** Checks the form, then `POST /api/admin/staff`; the new account is listed on success. */
  async function create(form: { username: string; password: string }): Promise<StaffResult> {
    const parsed = staffInputOf(form);
    if (!parsed.ok) return { ok: false, error: parsed.error, ...(parsed.errors ? { errors: parsed.errors } : {}) };
    try {
      const account = await createStaff(parsed.value);
      accounts.value = [...accounts.value.filter((a) => a.id !== account.id), account];
      await load().catch(() => undefined);
      return { ok: true, account };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }

  return { accounts, load, create };
});
