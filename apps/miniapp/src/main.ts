import { createSSRApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { connectHttpSession, useSessionStore } from './stores/session';

export function createApp() {
  const app = createSSRApp(App);
  const pinia = createPinia();
  app.use(pinia);

  // The request wrapper logs in through the session store (first call, and again after a 401).
  connectHttpSession(useSessionStore(pinia));

  return { app, pinia };
}
