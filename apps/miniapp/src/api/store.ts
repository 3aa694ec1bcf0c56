// The store's own details (contract: `GET /api/store`), for the store-info page and the console's editor.
import type { StoreInfo } from '@xiaodian/shared';
import { http } from './http';

export type { StoreInfo } from '@xiaodian/shared';

/** `GET /api/store` → `{name, servicePhone?, afterSalePolicy}` (no token needed). */
export function getStoreInfo(toast = true): Promise<StoreInfo> {
  return http.get<StoreInfo>('/api/store', { auth: 'none', toast });
}
