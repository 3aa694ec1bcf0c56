// Subscribe messages and the owner's WeChat binding (contract: "After the payment").
import { http } from './http';

/** `GET /api/subscribe-templates`: the template ids the shop has configured (unset ones are absent). */
export interface SubscribeTemplates {
  paid?: string;
  shipped?: string;
  refunded?: string;
  ownerOrder?: string;
  ownerAfterSale?: string;
}

export function getSubscribeTemplates(): Promise<SubscribeTemplates> {
  return http.get<SubscribeTemplates>('/api/subscribe-templates', { auth: 'none', toast: false });
}

/** `POST /api/wechat-binding {code}` → 200 {staffName}: this WeChat now receives the owner's messages. */
export function bindWechat(code: string): Promise<{ staffName: string }> {
  return http.post<{ staffName: string }>('/api/wechat-binding', { code }, { toast: false });
}
