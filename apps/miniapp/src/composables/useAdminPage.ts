// What every admin page does first: make sure someone is signed in, that their role may open the page, then
// read what it shows, with its loading and error states. The page's data lives in its store; this holds the
// state of reading it.
import { computed, ref, watch } from 'vue';
import { onLoad } from '@dcloudio/uni-app';
import { useAdminStore } from '@/stores/admin';
import { canOpenSection, type AdminSection } from '@/utils/admin-view';
import { errorMessage, type LoadStatus } from './useLoad';

/** The page's address query (uni passes every value as a string). */
export type AdminPageQuery = Record<string, string | undefined>;

export interface AdminPageOptions {
  /** The section the page belongs to: whether the signed-in role may open it (see `canOpenSection`). */
  section: AdminSection;
  /** Reads what the page shows into its store; a rejection shows the error state. Without it, nothing to read. */
  load?: (query: AdminPageQuery) => Promise<unknown>;
}

export function useAdminPage(options: AdminPageOptions) {
  const admin = useAdminStore();
  /** Signed in with a role that may open the page: only then does it read anything. */
  const allowed = computed(() => admin.loggedIn && canOpenSection(options.section, admin.role));
  const status = ref<LoadStatus>('loading');
  const error = ref('');
  /** The query the page was opened with. */
  const query = ref<AdminPageQuery>({});
  let opened = false;
  let seq = 0;

  async function run(quiet: boolean): Promise<void> {
    if (!allowed.value) return;
    if (!options.load) {
      status.value = 'ready';
      return;
    }
    const mine = ++seq;
    if (!quiet || status.value !== 'ready') status.value = 'loading';
    try {
      await options.load(query.value);
      if (mine === seq) status.value = 'ready';
    } catch (err) {
      if (mine !== seq) return; // a newer read answered first
      error.value = errorMessage(err);
      status.value = 'error';
    }
  }

  /** Reads again, showing the loading state meanwhile (the retry button, a new filter). */
  const reload = (): Promise<void> => run(false);
  /** Reads again, keeping what is shown until the answer arrives (a refresh button, polling). */
  const refresh = (): Promise<void> => run(true);

  onLoad((q) => {
    query.value = (q ?? {}) as AdminPageQuery;
    if (!admin.requireLogin()) return;
    opened = true;
    void reload();
  });

  // The role may arrive after the page opened (a stored session confirmed by `GET /me`): read then.
  watch(allowed, (now, before) => {
    if (now && !before && opened) void reload();
  });

  return { admin, allowed, status, error, query, reload, refresh };
}
