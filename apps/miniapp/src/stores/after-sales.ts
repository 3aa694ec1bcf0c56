import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AfterSale, AfterSaleReturnInput, CreateAfterSaleInput } from '@xiaodian/shared';
import * as afterSalesApi from '@/api/after-sales';
import { uploadPhoto, type UploadedPhoto } from '@/api/images';
import { isApiError } from '@/api/request';
import { useOrdersStore } from './orders';
import { useSessionStore } from './session';

/** The shopper's after-sale requests, as the API last reported them. */
export const useAfterSalesStore = defineStore('afterSales', () => {
  /** Every request seen, by id. */
  const byId = ref<Record<string, AfterSale>>({});
  /** Request ids per order, as `GET /api/orders/:id/after-sales` last listed them. */
  const idsByOrder = ref<Record<string, string[]>>({});

  function upsert(a: AfterSale): AfterSale {
    byId.value[a.id] = a;
    const ids = idsByOrder.value[a.orderId] ?? [];
    if (!ids.includes(a.id)) idsByOrder.value[a.orderId] = [a.id, ...ids];
    return a;
  }

  /** The requests of an order, newest first. */
  function ofOrder(orderId: string): AfterSale[] {
    return (idsByOrder.value[orderId] ?? []).map((id) => byId.value[id]).filter((a): a is AfterSale => a !== undefined);
  }

  async function loadForOrder(orderId: string): Promise<AfterSale[]> {
    const items = await afterSalesApi.listAfterSales(orderId);
    items.forEach((a) => (byId.value[a.id] = a));
    idsByOrder.value[orderId] = [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((a) => a.id);
    return ofOrder(orderId);
  }

  /** Submits a request; the order is read again (its open request and refundable amount changed). */
  async function create(orderId: string, input: CreateAfterSaleInput): Promise<AfterSale> {
    const created = upsert(await afterSalesApi.createAfterSale(orderId, input));
    await useOrdersStore().load(orderId).catch(() => undefined);
    return created;
  }

  async function cancel(id: string): Promise<AfterSale> {
    return upsert(await afterSalesApi.cancelAfterSale(id));
  }

  async function sendReturn(id: string, shipment: AfterSaleReturnInput): Promise<AfterSale> {
    return upsert(await afterSalesApi.sendReturn(id, shipment));
  }

  /** Uploads one photo with the shopper's token; after a 401 logs in again and tries once more. */
  async function uploadOne(filePath: string): Promise<UploadedPhoto> {
    const session = useSessionStore();
    await session.ensureLogin();
    try {
      return await uploadPhoto(filePath, session.token);
    } catch (err) {
      if (!isApiError(err) || err.status !== 401) throw err;
      await session.login();
      return uploadPhoto(filePath, session.token);
    }
  }

  return { byId, idsByOrder, ofOrder, loadForOrder, create, cancel, sendReturn, uploadOne, upsert };
});
