// The signed-in admin's own WeChat for the shop's notifications (new paid orders, new after-sale requests):
// whether it is bound, whether it receives them, and the one-time code to bind it in the mini program.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { createBindingCode, getAdminMe, setNotify } from '@/api/admin-after-sale';
import { errorMessage } from '@/composables/useLoad';

export const useAdminBindingStore = defineStore('admin-binding', () => {
  /** This admin's WeChat is bound (undefined until `GET /api/admin/me` answered). */
  const bound = ref<boolean | undefined>();
  /** Bound and receiving the shop's notifications. */
  const notify = ref(false);
  /** The code last asked for, to enter in the mini program, and until when it works. */
  const code = ref<{ code: string; expiresAt: string } | undefined>();
  /** The last failure, in Chinese. */
  const failure = ref('');
  const busy = ref(false);

  /** `GET /api/admin/me`. Rejects on error. */
  async function load(): Promise<void> {
    const me = await getAdminMe();
    bound.value = me.wechatBound === true;
    notify.value = me.notify === true;
    if (bound.value) code.value = undefined;
  }

  async function run(work: () => Promise<void>): Promise<void> {
    if (busy.value) return;
    busy.value = true;
    failure.value = '';
    try {
      await work();
    } catch (err) {
      failure.value = errorMessage(err);
    } finally {
      busy.value = false;
    }
  }

  /** `POST /api/admin/me/wechat-binding`: a new 6-digit code (the previous one stops working). */
  const newCode = (): Promise<void> =>
    run(async () => {
      code.value = await createBindingCode();
    });

  /** `PATCH /api/admin/me {notify}`. */
  const toggleNotify = (on: boolean): Promise<void> =>
    run(async () => {
      const me = await setNotify(on);
      notify.value = me.notify ?? on;
      if (me.wechatBound !== undefined) bound.value = me.wechatBound;
    });

  return { bound, notify, code, failure, busy, load, newCode, toggleNotify };
});
