// The app's instance of the request wrapper: uni.request as the transport, uni.showToast for errors.
// The shopper's session is connected in main.ts (`http.useSession`).
import { platform } from '@/platform';
import { createClient } from './request';
import { uniTransport } from './transport';

export const http = createClient({
  baseUrl: platform.apiBase,
  transport: uniTransport,
  toast: (title) => uni.showToast({ title, icon: 'none', duration: 2500 }),
});
