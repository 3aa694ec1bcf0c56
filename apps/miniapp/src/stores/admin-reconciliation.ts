// Reconciliation (issue 7): run a Beijing date against WeChat's trade bill, read its report, list past runs.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ReconciliationReport, ReconciliationSummary } from '@xiaodian/shared';
import { getReconciliation, listReconciliations, runReconciliation } from '@/api/admin';
import { errorMessage, type LoadStatus } from '@/composables/useLoad';
import { isIsoDate } from '@/utils/admin-forms';
import { beijingDate } from '@/utils/admin-view';

export const useAdminReconciliationStore = defineStore('admin-reconciliation', () => {
  /** The date picked (Beijing, YYYY-MM-DD); today by default. */
  const date = ref(beijingDate());
  /** The report shown (of the last run, or of a past date opened from the list). */
  const report = ref<ReconciliationReport | undefined>();
  /** A run (or an opening) is under way. */
  const busy = ref(false);
  /** Why the last run or opening failed. */
  const failure = ref('');
  /** Past runs, newest date first. */
  const history = ref<ReconciliationSummary[]>([]);
  const historyStatus = ref<LoadStatus>('loading');
  const historyError = ref('');

  async function loadHistory(): Promise<void> {
    historyStatus.value = 'loading';
    try {
      history.value = await listReconciliations();
      historyStatus.value = 'ready';
    } catch (err) {
      historyError.value = errorMessage(err);
      historyStatus.value = 'error';
    }
  }

  /** `POST /api/admin/reconciliations {date}`; re-running a date reports the same and never acts twice. */
  async function run(): Promise<boolean> {
    if (busy.value) return false;
    if (!isIsoDate(date.value.trim())) {
      failure.value = '请输入日期，格式 YYYY-MM-DD';
      return false;
    }
    if (date.value.trim() > beijingDate()) {
      failure.value = '不能对账未来的日期';
      return false;
    }
    busy.value = true;
    failure.value = '';
    try {
      report.value = await runReconciliation(date.value.trim());
      return true;
    } catch (err) {
      failure.value = errorMessage(err);
      return false;
    } finally {
      busy.value = false;
      void loadHistory();
    }
  }

  /** Shows the stored report of a past date. */
  async function open(day: string): Promise<void> {
    if (busy.value) return;
    date.value = day;
    busy.value = true;
    failure.value = '';
    try {
      report.value = await getReconciliation(day);
    } catch (err) {
      report.value = undefined;
      failure.value = errorMessage(err);
    } finally {
      busy.value = false;
    }
  }

  return { date, report, busy, failure, history, historyStatus, historyError, loadHistory, run, open };
});
