// The console's edit of the store info (H5 only). Reading it is the public `GET /api/store` (api/store.ts).
import type { StoreInfo, StoreInfoPatchInput } from '@xiaodian/shared';
import { adminCall } from './admin';

/** `PATCH /api/admin/store` (owner) → the store info as shoppers now read it; 400 VALIDATION_FAILED, 403. */
export function updateStoreInfo(input: StoreInfoPatchInput): Promise<StoreInfo> {
  return adminCall<StoreInfo>('/api/admin/store', { method: 'PATCH', data: input });
}
