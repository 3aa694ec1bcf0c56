// The checkout's amounts: 商品金额, 运费 and 合计 from the API's quote (`POST /api/orders/quote`). The client never
// computes or sends the fee: the quote only shows it, and the order is charged what the API computes when placed.
import { computed, ref, watch, type Ref } from 'vue';
import type { Address, OrderQuote } from '@xiaodian/shared';
import { itemsOf, type CartLine } from '@/stores/cart';
import { undeliverableProvince, useOrdersStore } from '@/stores/orders';
import { shippingFeeText } from '@/utils/money';

export type QuoteState =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'ok'; quote: OrderQuote }
  | { kind: 'undeliverable'; province: string }
  | { kind: 'failed' };

/** `addressOf` gives the address to quote for, without toasts (undefined until there is a complete one). */
export function useCheckoutQuote(lines: Ref<readonly CartLine[]>, addressOf: () => Address | undefined) {
  const orders = useOrdersStore();
  const quoteState = ref<QuoteState>({ kind: 'none' });
  /** The cart's own sum: shown until the quote answers (the quote's numbers are the ones charged). */
  const linesFen = computed(() => lines.value.reduce((sum, l) => sum + l.priceFen * l.quantity, 0));
  const itemsFen = computed(() => (quoteState.value.kind === 'ok' ? quoteState.value.quote.itemsFen : linesFen.value));
  const totalFen = computed(() => (quoteState.value.kind === 'ok' ? quoteState.value.quote.totalFen : linesFen.value));
  const feeText = computed(() => {
    const state = quoteState.value;
    if (state.kind === 'ok') return shippingFeeText(state.quote.shippingFeeFen);
    if (state.kind === 'loading') return '计算中…';
    if (state.kind === 'undeliverable') return '暂不配送';
    if (state.kind === 'failed') return '下单时计算';
    return '选择收货地址后计算';
  });

  let seq = 0;
  async function refresh() {
    const mine = ++seq;
    const to = addressOf();
    if (!to || lines.value.length === 0) {
      quoteState.value = { kind: 'none' };
      return;
    }
    quoteState.value = { kind: 'loading' };
    try {
      const quote = await orders.quote({ items: itemsOf(lines.value), address: to });
      if (mine === seq) quoteState.value = { kind: 'ok', quote };
    } catch (err) {
      if (mine !== seq) return; // a newer cart or address has been asked about since
      const province = undeliverableProvince(err);
      // Any other refusal (stock, a network blip) is told when the order is placed, which computes the fee again.
      quoteState.value = province === undefined ? { kind: 'failed' } : { kind: 'undeliverable', province };
    }
  }
  // Asked again when the lines or the province change (typing the street on H5 does not change the fee).
  watch(
    () => {
      const to = addressOf();
      return JSON.stringify([itemsOf(lines.value), to ? to.province : null]);
    },
    () => void refresh(),
    { immediate: true },
  );

  return { quoteState, itemsFen, totalFen, feeText };
}
