// The admin console's accounts (owner only): the list, and new staff accounts. Disabling, enabling and resetting
// them is the admin-access store's; what it answers is put back into this list.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AdminAccount } from '@xiaodian/shared';
import { createStaff, listStaff } from '@/api/admin';
import { isApiError } from '@/api/request';
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
      // The API's refusals that belong to one field are shown under it.
      const code = isApiError(err) ? err.code : '';
      if (code === 'USERNAME_TAKEN') return { ok: false, error: errorMessage(err), errors: { username: errorMessage(err) } };
      if (code === 'WEAK_PASSWORD') return { ok: false, error: errorMessage(err), errors: { password: errorMessage(err) } };
      return { ok: false, error: errorMessage(err) };
    }
  }

  /** An account as an action answered it (disabled, enabled): replaces the listed one. */
  function put(account: AdminAccount): void {
    accounts.value = accounts.value.map((a) => (a.id === account.id ? { ...a, ...account } : a));
  }

  return { accounts, load, create, put };
});
