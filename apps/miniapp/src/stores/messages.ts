import { defineStore } from 'pinia';
import { ref } from 'vue';
import { bindWechat, getSubscribeTemplates, type SubscribeTemplates } from '@/api/messages';
import { platform } from '@/platform';
import { useSessionStore } from './session';

/** The shopper's three messages, in the order WeChat's dialog lists them. */
const SHOPPER_TEMPLATES = ['paid', 'shipped', 'refunded'] as const;

/** The ids to ask for: the shopper's templates the shop has set (unset ones are skipped). */
export function shopperTemplateIds(templates: SubscribeTemplates | undefined): string[] {
  return SHOPPER_TEMPLATES.map((key) => templates?.[key]).filter((id): id is string => typeof id === 'string' && id.length > 0);
}

/** Subscribe messages (asked for at checkout) and the owner's WeChat binding. */
export const useMessagesStore = defineStore('messages', () => {
  /** `GET /api/subscribe-templates`, read ahead of the tap that needs it. */
  const templates = ref<SubscribeTemplates | undefined>();

  /** Reads the templates; a failure leaves none (the checkout then asks nothing). */
  async function loadTemplates(): Promise<SubscribeTemplates | undefined> {
    try {
      templates.value = await getSubscribeTemplates();
    } catch (err) {
      console.warn('subscribe templates not read', err);
    }
    return templates.value;
  }

  /**
   * Asks for the shopper's messages (paid, shipped, refunded) with the templates read before. Called first
   * thing in the pay button's tap (WeChat allows the dialog only there); never rejects, so it never stops a
   * payment. Resolves with the ids the shopper allowed.
   */
  function askForOrderMessages(): Promise<string[]> {
    const ids = shopperTemplateIds(templates.value);
    if (ids.length === 0) return Promise.resolve([]);
    return platform.requestSubscribe(ids, useSessionStore().user?.openid).catch(() => []);
  }

  /** `POST /api/wechat-binding {code}` → the staff name this WeChat is now bound to. */
  async function bind(code: string): Promise<string> {
    const res = await bindWechat(code);
    return res.staffName;
  }

  return { templates, loadTemplates, askForOrderMessages, bind };
});
