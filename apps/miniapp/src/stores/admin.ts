// Store admin session (H5 console only: imported by pages/admin/* alone, so absent from mp-weixin).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { adminLogin } from '@/api/admin';
import { readJson, removeKey, writeJson, STORAGE_KEYS } from '@/utils/storage';

export const useAdminStore = defineStore('admin', () => {
  const saved = readJson<{ token?: unknown; username?: unknown }>(STORAGE_KEYS.admin);
  /** The admin token for `/api/admin/*` (sent as `{ auth: { bearer } }`); never the shopper's. */
  const token = ref<string | undefined>(typeof saved?.token === 'string' ? saved.token : undefined);
  /** Who logged in. */
  const username = ref<string | undefined>(typeof saved?.username === 'string' ? saved.username : undefined);

  const loggedIn = computed(() => token.value !== undefined);

  /** `POST /api/admin/login`; throws the ApiError (401 for wrong credentials). */
  async function login(name: string, password: string): Promise<void> {
    const res = await adminLogin({ username: name, password });
    token.value = res.token;
    username.value = name;
    writeJson(STORAGE_KEYS.admin, { token: res.token, username: name });
  }

  function logout(): void {
    token.value = undefined;
    username.value = undefined;
    removeKey(STORAGE_KEYS.admin);
  }

  return { token, username, loggedIn, login, logout };
});
