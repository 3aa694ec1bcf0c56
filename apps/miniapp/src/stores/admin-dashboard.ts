// The console's home: sales figures (today, 7 and 30 Beijing days, 30 days of daily sales) and how many
// anomalies wait for someone.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Dashboard } from '@xiaodian/shared';
import { getDashboard, listAnomalies } from '@/api/admin';

export const useAdminDashboardStore = defineStore('admin-dashboard', () => {
  /** The figures as `GET /api/admin/dashboard` last reported them. */
  const dashboard = ref<Dashboard | undefined>();
  /** Anomalies still OPEN (0 until known: the notice about them is only shown when there are some). */
  const openAnomalies = ref(0);
  /** When the figures were read (ISO), for "updated at". */
  const loadedAt = ref<string | undefined>();

  /** Reads the figures (rejects with the API's error) and, on the side, the open anomalies. */
  async function load(): Promise<Dashboard> {
    void listAnomalies('OPEN')
      .then((items) => (openAnomalies.value = items.length))
      .catch(() => undefined);
    dashboard.value = await getDashboard();
    loadedAt.value = new Date().toISOString();
    return dashboard.value;
  }

  return { dashboard, openAnomalies, loadedAt, load };
});
