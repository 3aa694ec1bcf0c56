// Ending access in the admin console (H5 only): the owner disables, enables and resets staff accounts; any admin
// changes their own password. Each of these ends the account's sessions at the API; after changing one's own
// password the console is signed out and goes back to its login page.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { PASSWORD_MIN_LENGTH, type AdminAccount } from '@xiaodian/shared';
import { changeOwnPassword, disableStaff, enableStaff, resetStaffPassword } from '@/api/admin';
import { isApiError } from '@/api/request';
import { errorMessage } from '@/composables/useLoad';
import { newPasswordError } from '@/utils/admin-forms';
import { useAdminStore } from './admin';

export const PASSWORD_CHANGED_MESSAGE = '密码已修改，请用新密码重新登录';

export type AccessResult<T = undefined> = { ok: true; value: T } | { ok: false; code: string; error: string };

/** What the console says for the API's codes (the API's messages are for developers). */
const MESSAGES: Record<string, string> = {
  WEAK_PASSWORD: `密码至少 ${PASSWORD_MIN_LENGTH} 位，且不能是常见密码`,
  WRONG_PASSWORD: '当前密码不正确',
  OWNER_PROTECTED: '店主账号不能在这里停用或重置',
  TOO_MANY_ATTEMPTS: '尝试次数过多，请稍后再试',
  NOT_FOUND: '账号不存在',
  FORBIDDEN: '只有店主可以管理账号',
};

// One rule for every new-password field (staff creation, resets, one's own): see utils/admin-forms.ts.
export { newPasswordError };

function failure(err: unknown): { ok: false; code: string; error: string } {
  const code = isApiError(err) ? err.code : 'ERROR';
  return { ok: false, code, error: MESSAGES[code] ?? errorMessage(err) };
}

export const useAdminAccessStore = defineStore('admin-access', () => {
  /** The ids of accounts with a request under way (their buttons wait). */
  const busy = ref<string[]>([]);

  async function run<T>(key: string, work: () => Promise<T>): Promise<AccessResult<T>> {
    busy.value = [...busy.value, key];
    try {
      return { ok: true, value: await work() };
    } catch (err) {
      return failure(err);
    } finally {
      busy.value = busy.value.filter((k) => k !== key);
    }
  }

  /** Disables a staff account (owner): it cannot sign in, and its sessions end. Answers the account. */
  function disable(id: string): Promise<AccessResult<AdminAccount>> {
    return run(id, () => disableStaff(id));
  }

  /** Enables a disabled staff account (owner). Answers the account. */
  function enable(id: string): Promise<AccessResult<AdminAccount>> {
    return run(id, () => enableStaff(id));
  }

  /** Sets a new password for a staff account (owner); its sessions end. Checked here first. */
  async function resetPassword(id: string, password: string): Promise<AccessResult> {
    const invalid = newPasswordError(password);
    if (invalid) return { ok: false, code: 'WEAK_PASSWORD', error: invalid };
    const res = await run(id, () => resetStaffPassword(id, { password }));
    return res.ok ? { ok: true, value: undefined } : res;
  }

  /**
   * Changes the signed-in admin's own password. On success every session of the account has ended, this one
   * too: the console signs out and shows the login page.
   */
  async function changePassword(currentPassword: string, newPassword: string): Promise<AccessResult> {
    if (!currentPassword) return { ok: false, code: 'VALIDATION_FAILED', error: '请输入当前密码' };
    const invalid = newPasswordError(newPassword);
    if (invalid) return { ok: false, code: 'WEAK_PASSWORD', error: invalid };
    const res = await run('me', () => changeOwnPassword({ currentPassword, newPassword }));
    if (!res.ok) return res;
    const admin = useAdminStore();
    await admin.logout();
    // Shown above the login form until the next sign-in.
    admin.notice = PASSWORD_CHANGED_MESSAGE;
    return { ok: true, value: undefined };
  }

  return { busy, disable, enable, resetPassword, changePassword };
});
