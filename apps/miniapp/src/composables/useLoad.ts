import { ref, shallowRef } from 'vue';
import { isApiError, NETWORK_MESSAGE } from '@/api/request';

export type LoadStatus = 'loading' | 'ready' | 'error';

/** What the shopper reads for a failure: the API's code in Chinese; never a developer's English message. */
export function errorMessage(err: unknown): string {
  if (isApiError(err)) return err.message;
  const message = err instanceof Error ? err.message : '';
  return /[\u4e00-\u9fff]/.test(message) ? message : NETWORK_MESSAGE;
}

/**
 * A page's data with its loading and error states. `refresh` (pull-to-refresh) keeps what is shown and
 * toasts a failure instead of replacing the page with the error state.
 */
export function useLoad<T>(fetch: () => Promise<T>) {
  const status = ref<LoadStatus>('loading');
  const error = ref('');
  const data = shallowRef<T>();

  async function load(): Promise<void> {
    status.value = 'loading';
    try {
      data.value = await fetch();
      status.value = 'ready';
    } catch (err) {
      error.value = errorMessage(err);
      status.value = 'error';
    }
  }

  async function refresh(): Promise<void> {
    if (status.value !== 'ready') return load();
    try {
      data.value = await fetch();
    } catch (err) {
      uni.showToast({ title: errorMessage(err), icon: 'none' });
    }
  }

  return { status, error, data, load, refresh };
}
