// Store admin session (H5 console only: imported by pages/admin/* alone, so absent from mp-weixin).
// The token, who is signed in and their role; the end of a session (a 401 from any admin call) sends the
// console back to its login page with a message, once, whatever number of calls failed together.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AdminRole } from '@xiaodian/shared';
import { adminLogin, adminLogout, connectAdminSession, getMe } from '@/api/admin';
import { isApiError } from '@/api/request';
import { errorMessage } from '@/composables/useLoad';
import { waitText } from '@/utils/error-text';
import { readJson, removeKey, writeJson, STORAGE_KEYS } from '@/utils/storage';

export const ADMIN_LOGIN_PAGE = '/pages/admin/login';
export const ADMIN_HOME_PAGE = '/pages/admin/dashboard';
export const SESSION_EXPIRED_MESSAGE = '登录已过期或已在别处退出，请重新登录';

interface SavedAdmin {
  token?: unknown;
  username?: unknown;
  role?: unknown;
}

function isRole(value: unknown): value is AdminRole {
  return value === 'owner' || value === 'staff';
}

/** The admin page being shown (path and query), to come back to after signing in again. */
function currentAdminPage(): string | undefined {
  if (typeof getCurrentPages !== 'function') return undefined;
  const pages = getCurrentPages();
  const page = pages[pages.length - 1] as (Page.PageInstance & { $page?: { fullPath?: string } }) | undefined;
  if (!page) return undefined;
  const path = page.$page?.fullPath ?? (page.route ? `/${page.route}` : undefined);
  return path && path.startsWith('/pages/admin/') && !path.startsWith(ADMIN_LOGIN_PAGE) ? path : undefined;
}

/** Where a successful login goes: back to the page the session ended on, or the dashboard. */
export function afterLoginPage(redirect: string | undefined): string {
  return redirect && redirect.startsWith('/pages/admin/') && !redirect.startsWith(ADMIN_LOGIN_PAGE) ? redirect : ADMIN_HOME_PAGE;
}

/** Why a login failed, as the login page shows it, with the API's code (`EMPTY`, `UNAUTHORIZED` …) for tests. */
export function loginFailureOf(err: unknown): { code: string; message: string } {
  if (!isApiError(err)) return { code: 'ERROR', message: errorMessage(err) };
  if (err.status === 401) return { code: err.code, message: '用户名或密码错误' };
  // The right password of an account the owner disabled (the API tells no one else).
  if (err.code === 'ACCOUNT_DISABLED') return { code: err.code, message: '该账号已停用' };
  // Repeated wrong passwords are slowed down: the API says for how long (Retry-After).
  const wait = err.retryAfterSeconds;
  if (err.status === 429) return { code: err.code, message: wait !== undefined ? `密码错误次数过多，请 ${waitText(wait)}后再试` : '密码错误次数过多，请稍后再试' };
  return { code: err.code, message: errorMessage(err) };
}

export const useAdminStore = defineStore('admin', () => {
  const saved = readJson<SavedAdmin>(STORAGE_KEYS.admin);
  /** The admin token for `/api/admin/*` (sent as `{ auth: { bearer } }`); never the shopper's. */
  const token = ref<string | undefined>(typeof saved?.token === 'string' ? saved.token : undefined);
  /** Who is signed in. */
  const username = ref<string | undefined>(typeof saved?.username === 'string' ? saved.username : undefined);
  /** owner: everything; staff: no refunds, no account management (the API enforces it, the console hides it). */
  const role = ref<AdminRole | undefined>(isRole(saved?.role) ? saved.role : undefined);
  /** Why the console came back to the login page (an expired session), shown there until the next login. */
  const notice = ref<string | undefined>();
  /** Who was signed in before the session ended (not persisted): the login form starts with it. */
  const lastUsername = ref<string | undefined>();

  const loggedIn = computed(() => token.value !== undefined);
  const isOwner = computed(() => role.value === 'owner');

  // One redirect to the login page for a burst of 401s; cleared when the login page shows or someone logs in.
  let redirecting = false;
  // `GET /api/admin/me` once per app run: the role may have changed since the token was stored.
  let checked: Promise<void> | undefined;

  function persist(): void {
    if (token.value) writeJson(STORAGE_KEYS.admin, { token: token.value, username: username.value, role: role.value });
    else removeKey(STORAGE_KEYS.admin);
  }

  function clear(): void {
    if (username.value) lastUsername.value = username.value;
    token.value = undefined;
    username.value = undefined;
    role.value = undefined;
    checked = undefined;
    persist();
  }

  function goToLogin(reason: 'expired' | 'login' | 'logout'): void {
    if (redirecting) return;
    redirecting = true;
    const back = reason === 'logout' ? undefined : currentAdminPage();
    const query = [reason === 'expired' ? 'expired=1' : '', back ? `redirect=${encodeURIComponent(back)}` : ''].filter(Boolean).join('&');
    uni.reLaunch({ url: query ? `${ADMIN_LOGIN_PAGE}?${query}` : ADMIN_LOGIN_PAGE });
  }

  /** `POST /api/admin/login`; throws the ApiError (401 wrong credentials, 429 TOO_MANY_ATTEMPTS). */
  async function login(name: string, password: string): Promise<void> {
    const res = await adminLogin({ username: name, password });
    token.value = res.token;
    username.value = name;
    role.value = res.role;
    notice.value = undefined;
    redirecting = false;
    checked = undefined;
    if (!role.value) await checkSession();
    persist();
  }

  /** Confirms the stored session with `GET /api/admin/me` (once per app run) and takes the current role. */
  function checkSession(): Promise<void> {
    if (!token.value) return Promise.resolve();
    checked ??= getMe().then(
      (me) => {
        username.value = me.username;
        role.value = me.role;
        persist();
      },
      () => {
        // A 401 has already ended the session (see expire); anything else is retried on the next page.
        checked = undefined;
      },
    );
    return checked;
  }

  /** The API answered 401: the session is over. Back to the login page, with a message. */
  function expire(): void {
    const had = token.value !== undefined;
    if (had) notice.value = SESSION_EXPIRED_MESSAGE;
    clear();
    goToLogin(had ? 'expired' : 'login');
  }

  /** A page for signed-in admins was opened without a session. */
  function requireLogin(): boolean {
    if (token.value) return true;
    goToLogin('login');
    return false;
  }

  /** The login page is showing: the next session end may redirect again. */
  function arrivedAtLogin(): void {
    redirecting = false;
  }

  /** Ends the session at the API (every session of this admin) and here, then shows the login page. */
  async function logout(): Promise<void> {
    const old = token.value;
    clear();
    notice.value = undefined;
    if (old) await adminLogout(old).catch(() => undefined);
    goToLogin('logout');
  }

  connectAdminSession({
    token: () => token.value,
    expired: (_err, used) => {
      // A late answer for a token already replaced by a new login says nothing about the new session.
      if (used !== undefined && used !== token.value) return;
      expire();
    },
  });

  return { token, username, role, notice, lastUsername, loggedIn, isOwner, login, checkSession, expire, requireLogin, arrivedAtLogin, logout };
});
