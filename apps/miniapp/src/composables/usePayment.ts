import { ref } from 'vue';
import { useOrdersStore } from '@/stores/orders';

export function resultPageUrl(orderId: string, client?: string): string {
  return `/pages/pay/result?id=${encodeURIComponent(orderId)}${client ? `&result=${client}` : ''}`;
}

/**
 * Pays an order: payment parameters from the API, the platform's cashier, then the result page, which
 * asks the API whatever the cashier said. Resolves false when the API refused to start the payment (the
 * wrapper already showed why).
 */
export function usePayment() {
  const orders = useOrdersStore();
  const paying = ref(false);

  async function pay(orderId: string, navigation: 'redirect' | 'navigate' = 'redirect'): Promise<boolean> {
    if (paying.value) return false;
    paying.value = true;
    try {
      const client = await orders.startPayment(orderId);
      const url = resultPageUrl(orderId, client);
      if (navigation === 'redirect') uni.redirectTo({ url });
      else uni.navigateTo({ url });
      return true;
    } catch (err) {
      console.warn('payment not started', err);
      return false;
    } finally {
      paying.value = false;
    }
  }

  return { paying, pay };
}
