import type { LoginInput } from '@xiaodian/shared';
import { http } from './http';

export interface LoginResult {
  token: string;
  user: { id: string; openid: string };
}

/** `POST /api/auth/login {code}` → the shopper's token. */
export function login(input: LoginInput): Promise<LoginResult> {
  return http.post<LoginResult>('/api/auth/login', input, { auth: 'none', toast: false });
}
