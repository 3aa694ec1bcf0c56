// Refreshes a page by itself while something it shows is still moving elsewhere (a refund WeChat has not
// settled, a shipping upload waiting), paused while the page is hidden, and only for a while.
import { ref } from 'vue';
import { onHide, onShow, onUnload } from '@dcloudio/uni-app';

export interface AutoRefreshOptions {
  /** Whether there is anything to wait for, read before each refresh. */
  active: () => boolean;
  refresh: () => Promise<unknown>;
  intervalMs?: number;
  /** Refreshes after the last `restart`: then it stops (2.5 s × 120 ≈ five minutes). */
  maxPolls?: number;
}

export function useAutoRefresh(options: AutoRefreshOptions) {
  const intervalMs = options.intervalMs ?? 2500;
  const maxPolls = options.maxPolls ?? 120;
  /** A refresh is scheduled: the page says so. */
  const refreshing = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let visible = true;
  let polls = 0;

  function stop() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    refreshing.value = false;
  }

  /** Schedules the next refresh if there is something to wait for; `restart` after an action or a manual refresh. */
  function schedule(restart = false) {
    stop();
    if (restart) polls = 0;
    refreshing.value = visible && options.active() && polls < maxPolls;
    if (!refreshing.value) return;
    polls++;
    timer = setTimeout(() => {
      void options
        .refresh()
        .catch(() => undefined)
        .finally(() => schedule());
    }, intervalMs);
  }

  onShow(() => {
    visible = true;
    schedule();
  });
  onHide(() => {
    visible = false;
    stop();
  });
  onUnload(() => {
    visible = false;
    stop();
  });

  return { refreshing, schedule };
}
