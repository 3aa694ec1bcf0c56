// Payment and refund anomalies for admins to act on: the list by status, and resolving one (owner) with a note.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AnomalyView } from '@xiaodian/shared';
import { listAnomalies, resolveAnomaly, type AnomalyFilter } from '@/api/admin';
import { errorMessage } from '@/composables/useLoad';

export type { AnomalyFilter };
export type ResolveResult = { ok: true; anomaly: AnomalyView } | { ok: false; error: string };

export const useAdminAnomaliesStore = defineStore('admin-anomalies', () => {
  /** Which anomalies are listed. */
  const filter = ref<AnomalyFilter>('OPEN');
  /** The anomalies of that filter, newest first. */
  const items = ref<AnomalyView[]>([]);

  let seq = 0;

  /** `GET /api/admin/anomalies?status=`; an answer overtaken by a newer filter's is dropped. Rejects on error. */
  async function load(): Promise<void> {
    const mine = ++seq;
    const found = await listAnomalies(filter.value);
    if (mine === seq) items.value = found;
  }

  /** `POST /api/admin/anomalies/:id/resolve {note}`; the API may refuse (REFUND_STILL_ABNORMAL) and says why. */
  async function resolve(id: string, note: string): Promise<ResolveResult> {
    const why = note.trim();
    if (!why) return { ok: false, error: '请填写处理说明' };
    try {
      const anomaly = await resolveAnomaly(id, why);
      items.value = items.value.map((a) => (a.id === id ? anomaly : a));
      return { ok: true, anomaly };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }

  return { filter, items, load, resolve };
});
