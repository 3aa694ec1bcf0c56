import { watch } from 'vue';
import { onShow } from '@dcloudio/uni-app';
import { useCartStore } from '@/stores/cart';

const CART_TAB_INDEX = 1;

function show(count: number) {
  if (count > 0) {
    uni.setTabBarBadge({ index: CART_TAB_INDEX, text: count > 99 ? '99+' : String(count), fail: () => undefined });
  } else {
    uni.removeTabBarBadge({ index: CART_TAB_INDEX, fail: () => undefined });
  }
}

/** Keeps the cart tab's badge equal to the number of pieces in the cart (call from tab pages). */
export function useCartBadge() {
  const cart = useCartStore();
  onShow(() => show(cart.count));
  watch(
    () => cart.count,
    (count) => show(count),
  );
}
