// The one place where mp-weixin and H5 differ (login, payment, address). Pages use `platform` and never
// `#ifdef` themselves. uni-app's conditional compilation keeps the other platform's file out of each build.
import type { Platform } from './types';
// #ifdef MP-WEIXIN
import { mpWeixin } from './mp-weixin';
// #endif
// #ifdef H5
import { h5 } from './h5';
// #endif

export type { ClientPayResult, Platform } from './types';

function select(): Platform {
  let selected: Platform | undefined;
  // #ifdef MP-WEIXIN
  selected = mpWeixin;
  // #endif
  // #ifdef H5
  selected = h5;
  // #endif
  if (!selected) throw new Error('Xiaodian builds for mp-weixin and H5 only');
  return selected;
}

export const platform: Platform = select();
