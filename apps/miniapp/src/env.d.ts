/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface ImportMetaEnv {
  /** Base URL of the API. mp-weixin: absolute (default http://127.0.0.1:3000); H5: default same origin. */
  readonly VITE_API_BASE?: string;
  /** The offline WeChat (H5 development only): login codes and the cashier. Default http://127.0.0.1:3100. */
  readonly VITE_SANDBOX_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
