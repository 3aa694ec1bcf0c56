// Store admin API (H5 console only: nothing in the mp-weixin build imports this file).
import type { AdminLoginInput } from '@xiaodian/shared';
import { http } from './http';

/** `POST /api/admin/login {username, password}` → `{token}`; wrong credentials → 401. */
export function adminLogin(input: AdminLoginInput): Promise<{ token: string }> {
  return http.post<{ token: string }>('/api/admin/login', input, { auth: 'none', toast: false });
}
