import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { login as apiLogin, type LoginResult } from '@/api/auth';
import { http } from '@/api/http';
import { platform } from '@/platform';
import { readJson, removeKey, writeJson, STORAGE_KEYS } from '@/utils/storage';

type SessionUser = LoginResult['user'];

interface SavedSession {
  token: string;
  user: SessionUser;
}

/** The shopper's session: WeChat login code → `POST /api/auth/login` → token, kept across launches. */
export const useSessionStore = defineStore('session', () => {
  const saved = readJson<SavedSession>(STORAGE_KEYS.session);

  /** The API token sent as `Authorization: Bearer`; undefined until the first login. */
  const token = ref<string | undefined>(typeof saved?.token === 'string' ? saved.token : undefined);
  /** The logged-in shopper (API user id and WeChat openid). */
  const user = ref<SessionUser | undefined>(saved?.user);
  /** True while a login is under way (launch shows it). */
  const loggingIn = ref(false);
  /** The message of the last failed login, cleared by the next success. */
  const error = ref<string | undefined>();

  const loggedIn = computed(() => token.value !== undefined);

  // One login at a time: launch, a page's first request and a 401 may all ask at once.
  let inFlight: Promise<void> | undefined;

  async function doLogin(): Promise<void> {
    loggingIn.value = true;
    try {
      const code = await platform.loginCode();
      const res = await apiLogin({ code });
      token.value = res.token;
      user.value = res.user;
      error.value = undefined;
      writeJson(STORAGE_KEYS.session, { token: res.token, user: res.user } satisfies SavedSession);
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      loggingIn.value = false;
    }
  }

  /** Logs in now (again), replacing any token. */
  function login(): Promise<void> {
    inFlight ??= doLogin().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  /** Logs in unless a token is already there (or, in H5 development, the address asks for another user). */
  function ensureLogin(): Promise<void> {
    return token.value && !platform.loginRequested?.() ? Promise.resolve() : login();
  }

  function logout(): void {
    token.value = undefined;
    user.value = undefined;
    removeKey(STORAGE_KEYS.session);
  }

  /** The login under way, if any. */
  function pending(): Promise<void> | undefined {
    return inFlight;
  }

  return { token, user, loggingIn, error, loggedIn, login, ensureLogin, logout, pending };
});

/**
 * Connects the request wrapper to the session, so that it logs in through this store (before the first
 * authenticated call, and again after a 401). Done once at start (main.ts).
 */
export function connectHttpSession(store: ReturnType<typeof useSessionStore>): void {
  http.useSession({ token: () => store.token, login: () => store.login(), pending: () => store.pending() });
}
